/// The dashboard's style sheet and script, served from the binary (no CDN, no build step,
/// works offline). The Content-Security-Policy allows only these two files, so there are no
/// inline scripts or handlers: the script finds forms by their `data-action`.
enum Assets {
    static let script = #"""
    (() => {
      "use strict";
      const live = document.getElementById("live");
      const flash = document.getElementById("flash");
      let busy = false, pending = false;
      const typing = () => {
        const a = document.activeElement;
        return a && (a.tagName === "INPUT" || a.tagName === "TEXTAREA") && a.type !== "checkbox" && a.value !== "";
      };
      async function refresh() {
        // Never throw away what the user is typing: refresh once they leave the field.
        if (busy || typing()) { pending = true; return; }
        busy = true;
        try {
          const response = await fetch(location.pathname + location.search, { credentials: "same-origin" });
          if (response.ok) {
            const doc = new DOMParser().parseFromString(await response.text(), "text/html");
            const next = doc.querySelector("main");
            if (next) document.querySelector("main").replaceWith(next);
            document.body.dataset.refreshed = String(Date.now());
          }
        } finally {
          busy = false;
          if (pending) { pending = false; setTimeout(refresh, 50); }
        }
      }
      const events = new EventSource("/events");
      events.addEventListener("ready", (e) => {
        live.textContent = "live"; live.className = "live on";
        const seq = JSON.parse(e.data).seq;
        if (String(seq) !== document.querySelector("main").dataset.seq) refresh();
      });
      events.addEventListener("change", () => refresh());
      events.onerror = () => { live.textContent = "reconnecting…"; live.className = "live off"; };
      document.addEventListener("focusout", () => { if (pending) { pending = false; setTimeout(refresh, 0); } });
      document.addEventListener("submit", async (event) => {
        const form = event.target;
        if (!form.dataset.action) return;
        event.preventDefault();
        if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
        const body = {};
        for (const [key, value] of new FormData(form)) body[key] = value === "on" ? true : value;
        flash.textContent = "working…"; flash.className = "";
        try {
          const response = await fetch(form.dataset.action, {
            method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
          });
          const doc = await response.json().catch(() => ({}));
          flash.textContent = response.ok ? (doc.message || "done") : (doc.error || response.statusText);
          flash.className = response.ok ? "ok" : "bad";
          if (response.ok) form.reset();
        } catch (error) {
          flash.textContent = String(error); flash.className = "bad";
        }
        document.activeElement && document.activeElement.blur && document.activeElement.blur();
        refresh();
      });
    })();
    """#

    static let style = """
    :root { color-scheme: light dark; --line: #8884; --muted: #888; --ok: #2a7; --bad: #d33; --warn: #c80; }
    body { font: 14px/1.4 system-ui, sans-serif; margin: 0; }
    header { display: flex; gap: 1.5em; align-items: center; padding: .6em 1em; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: Canvas; }
    nav a { margin-right: 1em; }
    main { padding: 1em; }
    .live { font-size: 12px; color: var(--muted); } .live.on::before { content: "● "; color: var(--ok); } .live.off::before { content: "● "; color: var(--bad); }
    #flash.ok { color: var(--ok); } #flash.bad { color: var(--bad); }
    .board { display: grid; grid-template-columns: repeat(auto-fill, minmax(165px, 1fr)); gap: .8em; }
    .column h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin: 0 0 .4em; }
    .card { border: 1px solid var(--line); border-radius: 6px; padding: .5em .6em; margin-bottom: .5em; }
    .card .meta, .muted { color: var(--muted); font-size: 12px; }
    .prio-high, .prio-urgent { color: var(--warn); font-weight: 600; } .bad { color: var(--bad); } .ok { color: var(--ok); }
    td.muted { word-break: break-all; font-family: ui-monospace, monospace; font-size: 11px; }
    table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25em .5em; border-bottom: 1px solid var(--line); vertical-align: top; }
    pre { overflow: auto; background: #8881; padding: .6em; border-radius: 4px; max-height: 40em; }
    .diff .add { color: var(--ok); } .diff .del { color: var(--bad); } .diff .hunk { color: var(--muted); }
    form.inline { display: inline-flex; gap: .4em; margin: .3em .6em .3em 0; align-items: center; }
    section { margin: 1.2em 0; } h1 { font-size: 20px; } h2 { font-size: 16px; }
    .chart rect { fill: #4a8; } .chart text { font-size: 10px; fill: currentColor; }
    """
}
