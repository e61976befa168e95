// Live frames (championships/live/shown.py). On connecting, the page says which live regions it
// shows and which state it holds: the state of its last frame (#updated's data-state), or of the
// revision it was rendered at. A frame that applies to another state than the page holds (a
// frame was missed) is not applied: the page reconnects and is sent what it lacks.
(function () {
  var GAP = 4000; // the close code of a page that missed a frame (hx-ws then reconnects)
  // A close the page asks for comes back as 1000 under daphne (autobahn answers a close with
  // 1000, whatever code the browser gave): that one reconnects too.
  htmx.config.ws = Object.assign({ reconnectCodes: [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, GAP] }, htmx.config.ws);

  function held() {
    var updated = document.getElementById("updated");
    if (!updated) return "";
    return updated.dataset.state || (updated.dataset.revision ? "r" + updated.dataset.revision : "");
  }

  var shown = null; // the live regions, read before the first frame (htmx drops hx-swap-oob)

  // The panel the page follows (head-to-head, talking points, what-if: data-panel, the connect
  // parameters that name it); the server sends it whole on connecting, then what changes in it.
  function panel() {
    var el = document.querySelector("[data-panel]");
    return el ? el.dataset.panel : "";
  }
  var following = null; // the panel of the current connection, and that connection
  var current = null;

  document.addEventListener("htmx:ws:before:connection", function (event) {
    var connection = event.detail.connection;
    var url = new URL(connection.url, location.href);
    if (shown === null) {
      shown = [];
      document.querySelectorAll("[hx-swap-oob][id]").forEach(function (el) {
        if (el.id !== "updated") shown.push(el.id);
      });
    }
    url.searchParams.set("show", shown.join(","));
    url.searchParams.set("have", held());
    ["panel", "a", "b", "what_if", "skater", "overlay", "top"].forEach(function (name) { url.searchParams.delete(name); });
    following = panel();
    new URLSearchParams(following).forEach(function (value, name) { url.searchParams.append(name, value); });
    connection.url = url.href;
    current = connection;
  });

  // Another panel swapped in (a what-if tried in its form): connect again to follow that one.
  document.addEventListener("htmx:after:swap", function () {
    var socket = current && current.socket;
    if (following === null || panel() === following || !socket || socket.sprintboardGap) return;
    socket.sprintboardGap = true;
    socket.close(GAP);
  });

  document.addEventListener("htmx:ws:before:message:incoming", function (event) {
    var detail = event.detail;
    var socket = detail.connection.socket;
    if (socket && socket.sprintboardGap) { detail.cancelled = true; return; }
    var text = typeof detail.message.data === "string" ? detail.message.data : "";
    var marker = /<span id="updated"[^>]*>/.exec(text);
    if (!marker || !document.getElementById("updated")) return; // the race panel, sent whole
    var base = /data-base="([^"]*)"/.exec(marker[0]);
    var state = /data-state="([^"]*)"/.exec(marker[0]);
    var mine = held();
    if (!base || base[1] === mine) return;
    detail.cancelled = true;
    if (state && state[1] === mine) return; // the page connected with this state already
    if (socket) {
      socket.sprintboardGap = true;
      socket.close(GAP);
    }
  });
})();

// Connection indicator for pages that follow a championship live (htmx 4 hx-ws events). The
// words come from the page (data-text-*), in its language.
(function () {
  function show(state) {
    document.querySelectorAll(".connection").forEach(function (el) {
      var key = state === "live" ? "textLive" : "textReconnecting";
      el.dataset.state = state;
      el.textContent = el.dataset[key] || (state === "live" ? "live" : "reconnecting…");
    });
  }
  document.addEventListener("htmx:ws:after:connection", function () { show("live"); });
  document.addEventListener("htmx:ws:close", function () { show("reconnecting"); });
  document.addEventListener("htmx:ws:error", function () { show("reconnecting"); });
})();

// Head-to-head: choosing a skater with the mouse or a finger shows the comparison at once. With
// the keyboard, arrowing through a list must not reload the page at every step: Enter (or the
// Compare button) submits.
(function () {
  var byKeyboard = false;
  document.addEventListener("keydown", function (event) {
    byKeyboard = true;
    var select = event.target.closest && event.target.closest("form.pick select");
    if (select && event.key === "Enter") {
      event.preventDefault();
      select.form.requestSubmit();
    }
  });
  document.addEventListener("pointerdown", function () { byKeyboard = false; });
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.pick");
    if (form && !byKeyboard) form.requestSubmit();
  });
})();

// TV mode (/<slug>/tv/): the classification and the distance on the ice in turn, every ~15 s.
// The panels are only shown and hidden; their contents are swapped live by the WebSocket
// fragments like on every page. Which distance is on the ice comes with the live classification
// (data-current-distance), so the board follows the championship without a reload.
(function () {
  var board = document.querySelector("[data-tv-rotate]");
  if (!board) return;
  var period = parseInt(board.dataset.tvRotate, 10) || 15000;
  var showing = "classification";

  function currentDistance() {
    var classification = document.getElementById("classification");
    return classification ? classification.dataset.currentDistance : "";
  }

  function show(which) {
    var order = currentDistance();
    var found = false;
    board.querySelectorAll(".tv-panel").forEach(function (panel) {
      var on = which === "classification"
        ? panel.dataset.shows === "classification"
        : panel.dataset.shows === "distance" && panel.dataset.order === order;
      panel.hidden = !on;
      found = found || on;
    });
    if (!found && which !== "classification") show("classification");
    else showing = which;
    fit();
  }

  // The largest type with which the board's natural height and width fit the screen (halving
  // the interval ten times), then the table stretched to the bottom (the CSS of body.tv).
  // Fits: nothing below the screen or beside it, no cell wider than its column, no name cut.
  function fits() {
    var root = document.documentElement;
    if (board.getBoundingClientRect().bottom > window.innerHeight || root.scrollWidth > window.innerWidth) return false;
    var cut = board.querySelectorAll(".tv-panel:not([hidden]) :is(th, td, .name), #race :is(th, td)");
    for (var i = 0; i < cut.length; i++) {
      var el = cut[i];
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) return false;
    }
    return true;
  }
  function fit() {
    var body = document.body, low = 6, high = Math.max(window.innerHeight / 6, 12);
    body.classList.add("tv-fitting");
    for (var i = 0; i < 10; i++) {
      var size = (low + high) / 2;
      body.style.setProperty("--fs", size + "px");
      if (fits()) low = size; else high = size;
    }
    body.style.setProperty("--fs", low + "px");
    body.classList.remove("tv-fitting");
    board.dataset.fitted = low.toFixed(1);
  }
  var pending = false;
  function refit() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fit(); });
  }
  // Live fragments replace the panels' contents: their rows and lines change.
  new MutationObserver(refit).observe(board, {childList: true, subtree: true});
  window.addEventListener("resize", refit);
  fit();

  window.setInterval(function () {
    show(showing === "classification" && currentDistance() ? "distance" : "classification");
  }, period);
})();
