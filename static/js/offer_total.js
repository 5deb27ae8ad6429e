// New subscription (the New customer wizard's step and Add subscription): a running total of
// the ticked offers before Submit, per currency; typing a number of licenses ticks its offer.
// Without this script the Review step shows the total. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  function translate(singular, plural, count) {
    if (typeof window.ngettext === "function") return window.ngettext(singular, plural, count);
    return count === 1 ? singular : plural;
  }

  function gettext(text) {
    return typeof window.gettext === "function" ? window.gettext(text) : text;
  }

  function money(amount, currency) {
    const lang = document.documentElement.lang || "en";
    const number = new Intl.NumberFormat(lang, {minimumFractionDigits: 2,
                                               maximumFractionDigits: 2}).format(amount);
    return number + " " + currency;
  }

  function update(table) {
    const output = table.closest("fieldset").querySelector("[data-offers-total]");
    if (!output) return;
    const totals = new Map();
    let licenses = 0;
    table.querySelectorAll("tr.offer-row").forEach((row) => {
      const box = row.querySelector("input[type=checkbox]");
      const field = row.querySelector(".licenses-cell input");
      const count = field ? parseInt(field.value, 10) : NaN;
      if (!box || !box.checked || !Number.isInteger(count) || count < 1) return;
      const price = parseFloat(row.dataset.unitPrice);
      const currency = row.dataset.currency;
      if (Number.isNaN(price)) return;
      totals.set(currency, (totals.get(currency) || 0) + price * count);
      licenses += count;
    });
    if (totals.size === 0) {
      output.hidden = false;
      output.textContent = gettext("Tick a subscription and enter its licenses to see the total.");
      return;
    }
    const amounts = Array.from(totals, ([currency, amount]) => money(amount, currency));
    const text = translate("Order total: %(amount)s for %(count)s license.",
                           "Order total: %(amount)s for %(count)s licenses.", licenses);
    output.hidden = false;
    output.textContent = text.replace("%(amount)s", amounts.join(" + "))
      .replace("%(count)s", String(licenses));
  }

  function enhance(root) {
    root.querySelectorAll("table[data-offer-table]").forEach((table) => {
      if (table.dataset.enhanced) return;
      table.dataset.enhanced = "1";
      table.addEventListener("input", (event) => {
        const field = event.target;
        if (field.matches(".licenses-cell input") && field.value !== "") {
          const box = field.closest("tr").querySelector("input[type=checkbox]");
          if (box && !box.checked) box.checked = true;
        }
        update(table);
      });
      table.addEventListener("change", () => update(table));
      update(table);
    });
  }

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
