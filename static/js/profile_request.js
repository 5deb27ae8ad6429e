// Request a change: "Add another location" appends a blank row from the <template>.
// Without JavaScript the form still offers two blank rows; this only adds more.
(function () {
  "use strict";

  function setUp(button) {
    const prefix = button.dataset.formsetAdd;
    const total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    const max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    const template = document.getElementById("location-template");
    const rows = button.closest("fieldset").querySelector("[data-formset-rows]");
    if (!total || !template || !rows) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) return;
      const html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const field = rows.lastElementChild.querySelector("select, input");
      if (field) field.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset-add]").forEach(setUp);
  });
})();
