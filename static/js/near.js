/* "Near me": commune autocomplete (ARIA combobox with a listbox) on the plain GET form.
 *
 * Without JavaScript the form still works: the server resolves the typed text and, when it is
 * ambiguous, lists the matching communes. With it, suggestions come from the territory's
 * commune search; picking one fills the hidden INSEE code and submits the form (htmx then
 * replaces the results only, and the status region announces them).
 */
(function () {
  "use strict";

  var form = document.getElementById("near-form");
  var input = document.getElementById("near-q");
  var code = document.getElementById("near-code");
  var list = document.getElementById("near-suggestions");
  var status = document.getElementById("near-status");
  if (!form || !input || !code || !list || !document.getElementById("near-config")) {
    return;
  }
  var config = JSON.parse(document.getElementById("near-config").textContent);
  var labels = config.labels;
  var options = [];
  var active = -1;
  var timer = null;
  var lastRequest = 0;

  function countLabel(n) {
    if (n === 0) {
      return labels.none;
    }
    return n === 1 ? labels.one : labels.many.replace("%(count)s", String(n));
  }

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  function announce(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    options = [];
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
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
    input.value = chosen.commune.name;
    code.value = chosen.commune.code;
    close();
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  function render(communes) {
    list.textContent = "";
    options = communes.map(function (commune, i) {
      var node = document.createElement("li");
      node.id = "near-option-" + i;
      node.className = "combobox__option";
      node.setAttribute("role", "option");
      node.setAttribute("aria-selected", "false");
      node.appendChild(document.createTextNode(commune.name + " "));
      var details = document.createElement("small");
      var postcodes = (commune.postal_codes || []).join(", ");
      details.textContent = "(" + commune.departement + (postcodes ? " · " + postcodes : "") + ")";
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
    if (query.length < 2) {
      close();
      return;
    }
    var request = ++lastRequest;
    fetch(config.suggestUrl + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } })
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
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, 200);
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
        event.preventDefault();
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

  // After htmx replaced the results, mark the fields the server refused.
  document.body.addEventListener("htmx:afterSettle", function () {
    [
      [input, "near-q-error"],
      [document.getElementById("near-minutes"), "near-minutes-error"],
    ].forEach(function (pair) {
      var error = document.getElementById(pair[1]);
      if (!pair[0] || !error) {
        return;
      }
      if (error.textContent.trim()) {
        pair[0].setAttribute("aria-invalid", "true");
      } else {
        pair[0].removeAttribute("aria-invalid");
      }
    });
  });
})();
