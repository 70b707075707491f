/* The catalogue forms, a little easier by hand: everything here is optional, the forms
   post and validate on the server without it. */
(function () {
  "use strict";

  /* The bulk hours' answer opens at its preview (where a stale one also says why). */
  var preview = document.getElementById("preview");
  if (preview) preview.scrollIntoView();

  /* A list's agency filter applies as soon as it is chosen. */
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  /* Deleting asks first. */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  /* The colour picker and its text field stay the same colour. */
  document.querySelectorAll("input[type=color][data-mirror]").forEach(function (picker) {
    var text = document.getElementById(picker.getAttribute("data-mirror"));
    if (!text) return;
    picker.addEventListener("input", function () { text.value = picker.value.toUpperCase(); });
    text.addEventListener("input", function () {
      if (/^#[0-9a-fA-F]{6}$/.test(text.value)) picker.value = text.value.toLowerCase();
    });
  });

  /* A new service's prefix starts as its agency's code (the agency's own series). */
  document.querySelectorAll("select[data-prefix-from]").forEach(function (select) {
    var prefix = document.getElementById(select.getAttribute("data-prefix-from"));
    var filled = prefix ? prefix.value : "";
    var follow = function () {
      var option = select.options[select.selectedIndex];
      if (prefix && prefix.value === filled && option) {
        prefix.value = option.getAttribute("data-code") || "";
        filled = prefix.value;
      }
    };
    select.addEventListener("change", follow);
    /* An agency chosen before this script ran (a slow page, or the browser restoring the
       form): its code now, as the change would have given it. */
    if (prefix && !prefix.value && select.value) follow();
  });

  /* Opening hours: a closed day greys its times; Monday's hours copy to Tue-Thu. */
  var hours = document.querySelector("table.hours");
  if (hours) {
    var sync = function (row) {
      var open = row.querySelector("input[type=checkbox]");
      row.classList.toggle("closed", !open.checked);
    };
    hours.querySelectorAll("tbody tr").forEach(function (row) {
      sync(row);
      var open = row.querySelector("input[type=checkbox]");
      open.addEventListener("change", function () {
        var times = row.querySelectorAll("input.time");
        if (open.checked && !times[0].value && !times[1].value) {
          var monday = hours.querySelectorAll("tr[data-day=mon] input.time");
          times[0].value = monday[0].value || "08.00";
          times[1].value = monday[1].value || "15.00";
        }
        sync(row);
      });
    });
    var copy = document.querySelector("[data-hours-copy]");
    if (copy) copy.addEventListener("click", function () {
      var source = hours.querySelector("tr[data-day=mon]");
      var from = source.querySelectorAll("input.time");
      var openMon = source.querySelector("input[type=checkbox]").checked;
      ["tue", "wed", "thu"].forEach(function (day) {
        var row = hours.querySelector("tr[data-day=" + day + "]");
        var times = row.querySelectorAll("input.time");
        row.querySelector("input[type=checkbox]").checked = openMon;
        times[0].value = from[0].value;
        times[1].value = from[1].value;
        sync(row);
      });
    });
  }

  /* A counter's services: up/down buttons move a row and renumber the ticked ones;
     an admin's agency choice shows only that agency's services. */
  var order = document.querySelector("ol.service-order");
  if (order) {
    var renumber = function () {
      var n = 0;
      order.querySelectorAll("li[data-agency]").forEach(function (li) {
        var box = li.querySelector("input[type=checkbox]");
        var field = li.querySelector("input.order");
        li.classList.toggle("unticked", !box.checked);
        if (box.checked && !li.hidden) { n += 1; field.value = n; } else { field.value = ""; }
      });
    };
    order.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-move]");
      if (!button) return;
      var li = button.closest("li");
      if (button.getAttribute("data-move") === "-1") {
        var before = li.previousElementSibling;
        while (before && before.hidden) before = before.previousElementSibling;
        if (before) order.insertBefore(li, before);
      } else {
        var after = li.nextElementSibling;
        while (after && after.hidden) after = after.nextElementSibling;
        if (after) order.insertBefore(after, li);
      }
      renumber();
    });
    order.addEventListener("change", function (event) {
      if (event.target.matches("input[type=checkbox]")) renumber();
    });
    var agency = document.querySelector("select[data-filters-services]");
    var filter = function () {
      if (!agency) return;
      order.querySelectorAll("li[data-agency]").forEach(function (li) {
        var mine = agency.value !== "" && li.getAttribute("data-agency") === agency.value;
        li.hidden = !mine;
        if (!mine) li.querySelector("input[type=checkbox]").checked = false;
      });
      renumber();
    };
    if (agency) { agency.addEventListener("change", filter); filter(); }
    order.querySelectorAll("li[data-agency]").forEach(function (li) {
      li.classList.toggle("unticked", !li.querySelector("input[type=checkbox]").checked);
    });
  }
})();
