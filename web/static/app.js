// procal calculator: small enhancements only; every function works without this file.
(function () {
  "use strict";
  function toBE(iso) {
    var p = iso.split("-");
    return p.length === 3 ? p[2] + "/" + p[1] + "/" + (parseInt(p[0], 10) + 543) : iso;
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t && t.hasAttribute && t.hasAttribute("data-print")) { window.print(); }
  });
  var form = document.getElementById("plan");
  if (!form) { return; }
  var pick = document.getElementById("pick");
  var text = document.getElementById("date");
  if (pick && text) {
    pick.addEventListener("change", function () {
      if (pick.value) { text.value = toBE(pick.value); pick.value = ""; recompute(); }
    });
  }
  var timer = null;
  var seq = 0;
  function query() {
    var params = new URLSearchParams(new FormData(form));
    params.delete("pick");
    return params.toString();
  }
  function recompute() {
    var method = form.elements["method"], budget = form.elements["budget"];
    if (!method.value || !budget.value || !text.value) { return; }
    var q = query(), mine = ++seq;
    fetch("/?" + q, { headers: { "Accept": "text/html" } }).then(function (r) { return r.text(); })
      .then(function (html) {
        if (mine !== seq) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("result"), old = document.getElementById("result");
        if (!fresh || !old) { return; }
        old.replaceWith(fresh);
        history.replaceState(null, "", "/?" + q);
      }).catch(function () { /* the submit button still works */ });
  }
  // live recompute when the plan's inputs change; the step table (day counts, optional steps)
  // is recomputed with the button, so a table being edited is never replaced under the cursor
  form.addEventListener("change", function (ev) {
    var t = ev.target;
    if (!t || t.id === "pick" || (t.closest && t.closest("#result"))) { return; }
    clearTimeout(timer); timer = setTimeout(recompute, 150);
  });
})();
