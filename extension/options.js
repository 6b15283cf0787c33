// The options page: server URL, token and app URL, kept in chrome.storage.local.
"use strict";

const fields = {
  serverUrl: document.getElementById("server-url"),
  token: document.getElementById("token"),
  appUrl: document.getElementById("app-url"),
};
const statusLine = document.getElementById("status");

function say(text, kind) {
  statusLine.textContent = text;
  statusLine.className = kind || "";
}

function readForm() {
  return {
    serverUrl: pmCleanUrl(fields.serverUrl.value) || PM_DEFAULTS.serverUrl,
    token: fields.token.value.trim(),
    appUrl: pmCleanUrl(fields.appUrl.value) || PM_DEFAULTS.appUrl,
  };
}

function validate(settings) {
  if (!pmIsLocalUrl(settings.serverUrl)) return "The server URL must be http://127.0.0.1:PORT or http://localhost:PORT.";
  if (!pmIsLocalUrl(settings.appUrl)) return "The app URL must be on this machine too (127.0.0.1 or localhost).";
  return null;
}

async function load() {
  const settings = await pmLoadSettings();
  fields.serverUrl.value = settings.serverUrl;
  fields.token.value = settings.token;
  fields.appUrl.value = settings.appUrl;
}

document.getElementById("save").addEventListener("click", async () => {
  const settings = readForm();
  const problem = validate(settings);
  if (problem) return say(problem, "bad");
  await chrome.storage.local.set(settings);
  say("Saved.", "good");
});

document.getElementById("test").addEventListener("click", async () => {
  const settings = readForm();
  const problem = validate(settings);
  if (problem) return say(problem, "bad");
  say("Checking…");
  const answer = await chrome.runtime.sendMessage({ type: "health", settings });
  if (answer && answer.ok) {
    const engine = answer.data.engine === "offline" ? "offline engine" : `${answer.data.provider} ${answer.data.model}`;
    return say(`Connected: assistant ${answer.data.version} (${engine}).`, "good");
  }
  const why = {
    unreachable: "No server answers there. Start it with `assistant serve`.",
    unauthorized: "The server refused the token. Copy it from `assistant serve --print-token`.",
  };
  say(why[answer && answer.reason] || `The server refused: ${(answer && answer.detail) || "unknown error"}`, "bad");
});

load();
