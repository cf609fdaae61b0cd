/* The yearly report is generated for the filters the dashboard shows *now*: when the report form
   is sent (HTMX), its parameters are read from the filter form at that moment, even while a
   refresh of the figures is still on its way (the hidden fields follow the page only once the
   refresh arrives). Without JavaScript, the hidden fields of the page as loaded are sent. */
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "report-form") { return; }
    var filters = document.getElementById("dashboard-filters");
    if (!filters) { return; }
    Array.prototype.forEach.call(filters.elements, function (field) {
      if (!field.name || field.disabled || field.type === "submit") { return; }
      if (event.detail.formData) {
        event.detail.formData.set(field.name, field.value);
      } else {
        event.detail.parameters[field.name] = field.value;
      }
      var hidden = form.querySelector('input[type=hidden][name="' + field.name + '"]');
      if (hidden) { hidden.value = field.value; }
    });
  });
})();
