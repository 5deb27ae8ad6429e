// Portal behaviour shared by every page. No inline scripts: the CSP forbids them.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first invalid field so keyboard and screen-reader users land on the error.
  const invalid = document.querySelector(".is-invalid");
  if (invalid) invalid.focus();
});
