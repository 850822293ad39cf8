// The dashboard's only script (served as a static file: the CSP allows no inline script). Every page works
// without it; it adds the browser's time zone, copy buttons, the chart, the live counter, the custom
// range toggle, the preview card's mock-up following its fields as you type, on the import page keeps the
// picked file between the dry run and the import, and on a link's page redraws its QR code as a choice changes.
// @ts-check
(() => {
  "use strict";
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  // Time zone: forms carry it, and a cookie lets the server use it on pages reached by a plain link.
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const hadCookie = document.cookie.split("; ").find((c) => c.startsWith("tz="));
  document.cookie = `tz=${encodeURIComponent(tz)}; path=/app; max-age=31536000; samesite=strict`;
  for (const input of $$("input[data-tz]")) input.value = tz;
  const rendered = document.documentElement.dataset.tz;
  const url = new URL(location.href);
  // First visit: the server could not know the zone yet; show the page again in the right one (once).
  if (!hadCookie && rendered && rendered !== tz && !url.searchParams.has("tz")) location.reload();

  // Copy buttons (hidden without script, since they need it).
  for (const button of $$("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = button.dataset.copy || "";
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = "Copied";
      } catch {
        const input = button.parentElement?.querySelector("input");
        if (input) input.select();
        button.textContent = "Press Ctrl+C";
      }
      setTimeout(() => { button.textContent = "Copy"; }, 2000);
    });
  }

  // Range picker: the day fields matter only for a custom range.
  const rangeSelect = /** @type {HTMLSelectElement | null} */ (document.querySelector("form.range select[name=range]"));
  if (rangeSelect) {
    const days = $$("form.range input[type=date]").map((i) => i.closest(".field"));
    const sync = () => { for (const d of days) if (d) d.hidden = rangeSelect.value !== "custom"; };
    rangeSelect.addEventListener("change", sync);
    sync();
  }

  // Time-series chart (uPlot, loaded before this script on analytics pages).
  const chartEl = document.querySelector("[data-chart]");
  const uPlot = /** @type {any} */ (window).uPlot;
  if (chartEl instanceof HTMLElement && uPlot) {
    const dataEl = document.getElementById(chartEl.dataset.chart || "");
    const d = JSON.parse(dataEl?.textContent || "{}");
    const zone = rendered || tz;
    const css = getComputedStyle(document.documentElement);
    const accent = css.getPropertyValue("--accent").trim() || "#2563eb";
    const second = css.getPropertyValue("--accent-2").trim() || "#16a34a";
    const opts = {
      width: Math.max(280, chartEl.clientWidth),
      height: 260,
      tzDate: (/** @type {number} */ ts) => uPlot.tzDate(new Date(ts * 1000), zone),
      scales: { y: { range: (/** @type {any} */ _u, /** @type {number} */ _min, /** @type {number} */ max) => [0, Math.max(1, max)] } },
      series: [
        {},
        { label: "Clicks", stroke: accent, fill: accent + "22", width: 2, points: { show: d.t.length < 60 } },
        { label: "Unique visitors", stroke: second, width: 2, points: { show: d.t.length < 60 } },
      ],
      axes: [{}, { size: 50 }],
    };
    const plot = new uPlot(opts, [d.t, d.clicks, d.uniques], chartEl);
    new ResizeObserver(() => plot.setSize({ width: Math.max(280, chartEl.clientWidth), height: 260 })).observe(chartEl);
  }

  // Live counter: a small JSON endpoint, polled while the tab is visible.
  const live = document.querySelector("[data-live]");
  if (live instanceof HTMLElement) {
    const value = live.querySelector("[data-live-value]");
    const poll = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const res = await fetch(live.dataset.live || "", { headers: { accept: "application/json" }, cache: "no-store" });
        const body = await res.json();
        // "≥": more clicks wait in the stream than one read counts (docs/analytics.md, "Live figures").
        const atLeast = body.complete === false ? "≥ " : "";
        if (value) value.textContent = typeof body.clicks === "number" ? atLeast + body.clicks.toLocaleString("en-US") : "—";
        live.dataset.updated = body.at || "";
      } catch {
        // offline or signed out: keep the last figure
      }
    };
    poll();
    setInterval(poll, 3000);
  }
  // Preview card: the server drew the mock-up from the values it had; this keeps it current as the fields,
  // the slug and the domain change (what the card falls back to without a title: host/slug).
  const og = document.querySelector("[data-og-preview]");
  const ogForm = og?.closest("form");
  if (og && ogForm) {
    const value = (/** @type {string} */ name) => {
      const el = ogForm.querySelector(`[name="${name}"]`);
      return el instanceof HTMLInputElement || el instanceof HTMLSelectElement ? el.value.trim() : "";
    };
    const part = (/** @type {string} */ name) => /** @type {HTMLElement} */ (og.querySelector(`[data-og-${name}]`));
    const [card, none, image, host, title, description] = ["card", "none", "image", "host", "title", "description"].map(part);
    const defaultHost = host.textContent || "";
    const https = (/** @type {string} */ s) => { try { return new URL(s).protocol === "https:"; } catch { return false; } };
    const sync = () => {
      const t = value("previewTitle"), d = value("previewDescription"), i = value("previewImage");
      const h = value("domain") || defaultHost;
      card.hidden = !t && !d && !i;
      none.hidden = !card.hidden;
      host.textContent = h;
      title.textContent = t || `${h}/${value("slug") || "…"}`;
      description.textContent = d;
      description.hidden = !d;
      image.hidden = !https(i);
      if (https(i)) image.setAttribute("src", i);
      else image.removeAttribute("src");
    };
    ogForm.addEventListener("input", sync);
    ogForm.addEventListener("change", sync);
  }

  // Import: send the form without leaving the page (the file stays picked), swap in the report the server
  // rendered, and while a background job runs, poll its page and swap its report in again.
  const importForm = document.getElementById("import-form");
  if (importForm instanceof HTMLFormElement) {
    const swap = (/** @type {Document} */ doc) => {
      const fresh = doc.getElementById("import-report");
      const old = document.getElementById("import-report");
      const error = doc.getElementById("form-error");
      document.getElementById("form-error")?.remove();
      if (error) importForm.prepend(error);
      if (fresh && old) old.replaceWith(fresh);
      else if (fresh) importForm.after(fresh);
      else old?.remove();
      const poll = fresh?.dataset.importPoll;
      if (poll) setTimeout(() => load(poll), 700);
    };
    const load = async (/** @type {string} */ href, /** @type {RequestInit} */ init = {}) => {
      try {
        const res = await fetch(href, { ...init, headers: { accept: "text/html" }, cache: "no-store" });
        swap(new DOMParser().parseFromString(await res.text(), "text/html"));
      } catch {
        setTimeout(() => load(href, init), 2000);
      }
    };
    importForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const submitter = /** @type {SubmitEvent} */ (event).submitter;
      const body = new FormData(importForm, submitter instanceof HTMLButtonElement ? submitter : null);
      const buttons = $$("button", importForm);
      for (const b of buttons) b.setAttribute("disabled", "");
      load(importForm.action, { method: "POST", body }).finally(() => { for (const b of buttons) b.removeAttribute("disabled"); });
    });
  }

  // QR code: each change loads the code with the form's choices (the route the Download links use); a
  // choice the API refuses has no image to show, so the form is sent and the page says why beside the field.
  const qrForm = /** @type {HTMLFormElement | null} */ (document.querySelector("form[data-qr-form]"));
  const qrImage = /** @type {HTMLImageElement | null} */ (document.getElementById("qr-preview"));
  if (qrForm && qrImage) {
    const base = qrForm.dataset.qrForm;
    const redraw = () => {
      const params = new URLSearchParams(/** @type {any} */ (new FormData(qrForm)));
      const format = params.get("format") === "svg" ? "svg" : "png";
      params.delete("format");
      for (const link of $$("a[data-qr-download]")) link.setAttribute("href", `${base}/qr.${link.dataset.qrDownload}?${params}`);
      qrImage.hidden = false;
      qrImage.src = `${base}/qr.${format}?${params}`;
    };
    qrImage.addEventListener("error", () => { if (!qrImage.src.startsWith("data:")) qrForm.submit(); });
    qrForm.addEventListener("change", redraw);
  }
})();
