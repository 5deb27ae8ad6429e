// Portal behaviour shared by every page. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // Strings of this file come from the JavaScript catalog (/i18n/js/). It loads async, so
  // it never delays the page's start (htmx waits for DOMContentLoaded): look it up when a
  // string is needed, in English until it has arrived.
  function gettext(text) {
    return typeof window.gettext === "function" ? window.gettext(text) : text;
  }

  // Move focus to the first invalid field so keyboard and screen-reader users land on the error.
  function focusFirstError(root) {
    const invalid = root.querySelector(".is-invalid");
    if (invalid) invalid.focus();
  }

  // <button data-copy-target="#id" data-copied-label="Copied">: copies the target's value
  // (or text) and says so in the button and in a polite live region.
  function copyFrom(button) {
    const target = document.querySelector(button.dataset.copyTarget);
    if (!target) return;
    const text = "value" in target ? target.value : target.textContent;
    const done = () => {
      const original = button.dataset.originalLabel || button.textContent;
      button.dataset.originalLabel = original;
      button.textContent = button.dataset.copiedLabel || gettext("Copied");
      button.classList.add("copied");
      const status = document.getElementById(button.dataset.copyStatus || "copy-status");
      if (status) status.textContent = button.dataset.copiedLabel || gettext("Copied");
      setTimeout(() => { button.textContent = original; button.classList.remove("copied"); }, 4000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => { legacyCopy(target); done(); });
    } else {
      legacyCopy(target);
      done();
    }
  }

  function legacyCopy(target) {
    if (typeof target.select === "function") {
      target.select();
      document.execCommand("copy");
    }
  }

  // <a data-mailto-from="#form-id">: builds the mailto: link from the form's current
  // `to`, `subject` and `body` fields, so edits to the draft travel with it.
  function refreshMailto(link) {
    const form = document.querySelector(link.dataset.mailtoFrom);
    if (!form) return;
    const get = (name) => (form.elements[name] ? form.elements[name].value : "");
    link.href = "mailto:" + encodeURIComponent(get("to")).replace(/%40/g, "@") +
      "?subject=" + encodeURIComponent(get("subject")) +
      "&body=" + encodeURIComponent(get("body"));
  }

  document.addEventListener("click", (event) => {
    const copy = event.target.closest("[data-copy-target]");
    if (copy) { event.preventDefault(); copyFrom(copy); }
    const mailto = event.target.closest("[data-mailto-from]");
    if (mailto) refreshMailto(mailto);
  });

  // <textarea data-must-contain="text" data-must-contain-error="id">: shows the error
  // element while the text is missing (the server refuses such a message too).
  function checkMustContain(field) {
    const error = document.getElementById(field.dataset.mustContainError);
    const missing = !field.value.includes(field.dataset.mustContain);
    field.classList.toggle("is-invalid", missing);
    field.setAttribute("aria-invalid", missing ? "true" : "false");
    if (error) error.classList.toggle("d-block", missing);
  }

  document.addEventListener("input", (event) => {
    if (event.target.dataset && event.target.dataset.mustContain) checkMustContain(event.target);
    const form = event.target.form;
    if (!form || !form.id) return;
    document.querySelectorAll(`[data-mailto-from="#${form.id}"]`).forEach(refreshMailto);
  });

  document.addEventListener("DOMContentLoaded", () => {
    focusFirstError(document);
    document.querySelectorAll("[data-mailto-from]").forEach(refreshMailto);
  });

  // A dialog whose content htmx loaded into #modal-content opens once it is there.
  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.detail.target.id !== "modal-content" || !window.bootstrap) return;
    const modal = document.getElementById("portal-modal");
    window.bootstrap.Modal.getOrCreateInstance(modal).show();
  });

  // htmx swaps in new content (modals, live checks): apply the same behaviour there.
  document.addEventListener("htmx:afterSettle", (event) => {
    focusFirstError(event.target);
    event.target.querySelectorAll("[data-mailto-from]").forEach(refreshMailto);
    showExpandButtons(event.target);
  });

  // <button data-expand-url="…" aria-controls="row-id" aria-expanded="false" hidden>: the
  // down arrow of a table row. It shows or hides the row it controls and, the first time,
  // loads the row's content from data-expand-url (htmx) into its [data-expand-body]. The
  // button stays hidden without JavaScript: the row's own link opens the same page.
  function showExpandButtons(root) {
    root.querySelectorAll("button[data-expand-url][hidden]").forEach((button) => {
      button.hidden = false;
    });
  }

  function toggleExpand(button) {
    const row = document.getElementById(button.getAttribute("aria-controls"));
    if (!row) return;
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    row.hidden = !open;
    const body = row.querySelector("[data-expand-body]");
    if (open && body && !row.dataset.loaded && window.htmx) {
      row.dataset.loaded = "true";
      body.setAttribute("aria-busy", "true");
      window.htmx.ajax("GET", button.dataset.expandUrl, { target: body, swap: "innerHTML" })
        .finally(() => body.removeAttribute("aria-busy"));
    }
  }

  document.addEventListener("click", (event) => {
    const expand = event.target.closest("button[data-expand-url]");
    if (expand) toggleExpand(expand);
  });

  // <form data-sync-from-url>: a filter form outside the region htmx replaces. When the
  // back button restores an earlier page from htmx's history, put the URL's values back
  // into the form (the snapshot keeps the markup, not what was typed or chosen).
  function syncFormsFromUrl() {
    const params = new URLSearchParams(window.location.search);
    document.querySelectorAll("form[data-sync-from-url]").forEach((form) => {
      Array.from(form.elements).forEach((field) => {
        if (!field.name || field.type === "submit") return;
        const value = params.get(field.name);
        if (field.type === "hidden") {
          field.value = value || "";
          field.disabled = !value;
        } else {
          field.value = value || "";
        }
      });
    });
  }

  // The same forms leave empty fields out of the URL htmx requests and pushes: the
  // address to share reads ?reseller=… rather than ?q=&reseller=….
  document.addEventListener("htmx:configRequest", (event) => {
    const form = event.detail.elt.closest && event.detail.elt.closest("form[data-sync-from-url]");
    const data = event.detail.formData;
    if (!form || !data || event.detail.verb !== "get") return;
    Array.from(data.keys()).forEach((name) => {
      if (data.getAll(name).every((value) => value === "")) data.delete(name);
    });
  });

  document.addEventListener("htmx:historyRestore", syncFormsFromUrl);
  window.addEventListener("pageshow", (event) => { if (event.persisted) syncFormsFromUrl(); });
  document.addEventListener("DOMContentLoaded", () => showExpandButtons(document));
})();
