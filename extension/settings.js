// Settings shared by the service worker (importScripts) and the options page (<script>).
// The server must be on this machine: a URL on any other host is refused here, and the manifest grants
// the extension network access to 127.0.0.1 and localhost only.
"use strict";

const PM_DEFAULTS = Object.freeze({
  serverUrl: "http://127.0.0.1:8765",
  token: "",
  appUrl: "http://localhost:8501",
});
const PM_LOCAL_HOSTS = ["127.0.0.1", "localhost"];

function pmIsLocalUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "http:" && PM_LOCAL_HOSTS.includes(url.hostname);
  } catch (_error) {
    return false;
  }
}

function pmCleanUrl(value) {
  return String(value || "").trim().replace(/\/+$/, "");
}

async function pmLoadSettings() {
  return chrome.storage.local.get({ ...PM_DEFAULTS });
}
