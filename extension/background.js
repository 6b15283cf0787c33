// The only part of the extension that talks to the network: it calls the configured local server
// (and nothing else) for the content scripts and the options page.
"use strict";

importScripts("settings.js");

const TIMEOUT_MS = 20000; // a slow answer is not a missing server: "unreachable" means no connection

async function callServer(path, body, override) {
  const settings = override || (await pmLoadSettings());
  const base = pmCleanUrl(settings.serverUrl);
  if (!pmIsLocalUrl(base)) {
    return { ok: false, reason: "not-local", detail: "the server URL must be http://127.0.0.1 or http://localhost" };
  }
  const init = {
    method: body === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${settings.token || ""}` },
    signal: AbortSignal.timeout(TIMEOUT_MS),
    credentials: "omit",
    cache: "no-store",
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(`${base}${path}`, init);
  } catch (error) {
    return { ok: false, reason: error && error.name === "TimeoutError" ? "slow" : "unreachable" };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (_error) {
    data = null;
  }
  if (response.ok) return { ok: true, data, appUrl: settings.appUrl || PM_DEFAULTS.appUrl };
  const reason = response.status === 401 ? "unauthorized" : response.status === 403 ? "refused" : "error";
  const detail = data && typeof data.detail === "string" ? data.detail : `HTTP ${response.status}`;
  return { ok: false, reason, status: response.status, detail };
}

chrome.runtime.onMessage.addListener((message, _sender, sendResponse) => {
  if (message && message.type === "analyze" && typeof message.text === "string") {
    callServer("/v1/analyze", { text: message.text }).then(sendResponse);
    return true;
  }
  if (message && message.type === "health") {
    callServer("/v1/health", undefined, message.settings).then(sendResponse);
    return true;
  }
  return false;
});

chrome.action.onClicked.addListener(() => chrome.runtime.openOptionsPage());
