/* The commune field of every form (tierslieux.territory.forms.CommuneField): an accessible
 * combobox (ARIA 1.2 pattern, a listbox popup) over the territory's commune search.
 *
 * Progressive enhancement: without JavaScript the server resolves the typed text (a name, a
 * postcode, an INSEE code) and lists the matches as radio buttons when it is ambiguous. With it,
 * suggestions appear while typing; picking one writes "Name (département)" in the field and the
 * INSEE code in the hidden input behind it. Everything is read from data-* attributes written
 * by the widget's template: no inline script, no configuration in the page.
 */
(function () {
  "use strict";

  var MIN_CHARS = 2;
  var DELAY_MS = 200;

  function setup(root) {
    if (root.getAttribute("data-commune-ready")) {
      return;
    }
    var input = root.querySelector("input[type=text]");
    var code = root.querySelector("[data-commune-code]");
    var list = root.querySelector("[data-commune-listbox]");
    var status = root.querySelector("[data-commune-status]");
    if (!input || !code || !list || !input.id) {
      return;
    }
    root.setAttribute("data-commune-ready", "true");
    var url = root.getAttribute("data-suggest-url");
    var labels = {
      none: root.getAttribute("data-label-none") || "",
      one: root.getAttribute("data-label-one") || "",
      many: root.getAttribute("data-label-many") || "",
    };
    var options = [];
    var active = -1;
    var timer = null;
    var lastRequest = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    function announce(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function countLabel(n) {
      if (n === 0) {
        return labels.none;
      }
      return n === 1 ? labels.one : labels.many.replace("%(count)s", String(n));
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      options = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function dropChoices() {
      // The radio buttons listed by the server answer the text typed before: drop them.
      var field = root.parentNode;
      var choices = field ? field.querySelector("[data-commune-choices]") : null;
      if (choices) {
        choices.parentNode.removeChild(choices);
      }
    }

    function setActive(index) {
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.node.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      var node = options[active].node;
      input.setAttribute("aria-activedescendant", node.id);
      node.scrollIntoView({ block: "nearest" });
    }

    function pick(index) {
      var chosen = options[index];
      if (!chosen) {
        return;
      }
      input.value = chosen.commune.name + " (" + chosen.commune.departement + ")";
      code.value = chosen.commune.code;
      close();
      dropChoices();
      announce(input.value);
      input.removeAttribute("aria-invalid");
      // Filters that refresh on "change" (htmx) see the pick.
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function render(communes) {
      list.textContent = "";
      options = communes.map(function (commune, i) {
        var node = document.createElement("li");
        node.id = input.id + "_option_" + i;
        node.className = "combobox__option";
        node.setAttribute("role", "option");
        node.setAttribute("aria-selected", "false");
        node.appendChild(document.createTextNode(commune.name + " "));
        var details = document.createElement("small");
        var postcodes = (commune.postal_codes || []).join(", ");
        details.textContent =
          "(" + commune.departement + (postcodes ? " · " + postcodes : "") + ")";
        node.appendChild(details);
        node.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the field
        });
        node.addEventListener("click", function () {
          pick(i);
        });
        list.appendChild(node);
        return { node: node, commune: commune };
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      list.hidden = options.length === 0;
      input.setAttribute("aria-expanded", options.length ? "true" : "false");
      announce(countLabel(options.length));
    }

    function suggest() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS || !url) {
        close();
        return;
      }
      var request = ++lastRequest;
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (request === lastRequest && document.activeElement === input) {
            render(data.results || []);
          }
        })
        .catch(close);
    }

    input.addEventListener("input", function () {
      code.value = ""; // the text changed: the server resolves it again
      dropChoices();
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        if (list.hidden) {
          suggest();
        } else {
          setActive(active + 1);
        }
        event.preventDefault();
      } else if (event.key === "ArrowUp") {
        if (!list.hidden) {
          setActive(active - 1);
          event.preventDefault();
        }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, do not submit the form
          pick(active);
        } else {
          close();
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) {
          event.preventDefault();
          close();
        }
      }
    });

    input.addEventListener("blur", function () {
      window.setTimeout(close, 150);
    });
  }

  function setupAll(scope) {
    Array.prototype.forEach.call(
      (scope || document).querySelectorAll("[data-commune-field]"),
      setup
    );
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setupAll(document);
    });
  } else {
    setupAll(document);
  }
  // Parts of pages replaced by htmx may bring new commune fields.
  document.addEventListener("htmx:load", function (event) {
    setupAll(event.target && event.target.querySelectorAll ? event.target : document);
  });
})();
