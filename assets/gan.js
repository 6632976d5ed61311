/* Client-side helpers, loaded by Dash from assets/. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  gan: {
    /* Which charts are shown (accuracy, losses, quality): each card on or off; with none,
       the charts column goes and the samples take the width. */
    showCharts: function (value) {
      var on = Array.isArray(value) ? value : [];
      var names = ["accuracy", "losses", "quality"];
      var styles = names.map(function (n) { return on.indexOf(n) >= 0 ? {} : {display: "none"}; });
      return styles.concat([on.length ? "charts" : "charts charts-none"]);
    },
    /* Large type for projectors: the page's class, and the fonts of the graphs already drawn
       (the sizes and margins match app/figures.py _layout; new figures are built with them). */
    largeType: function (value, controlsShown) {
      var large = Array.isArray(value) && value.indexOf("large") >= 0;
      var sizes = large ? [22, 26, 20, 100, 72, 60] : [15, 18, 14, 70, 64, 52];
      var chart = large ? [84, 54] : [56, 40];  /* the charts' tighter top and bottom (figures.py margins) */
      if (window.Plotly) {
        document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
          var isChart = !!gd.closest(".chart");
          window.Plotly.relayout(gd, {"font.size": sizes[0], "title.font.size": sizes[1], "legend.font.size": sizes[2],
                                      "margin.t": isChart ? chart[0] : sizes[3], "margin.l": sizes[4],
                                      "margin.b": isChart ? chart[1] : sizes[5]});
        });
      }
      return "app" + (large ? " large" : "") + (controlsShown === false ? " controls-hidden" : "");
    },
    /* The address bar follows the page's settings without a navigation (so no page is
       rebuilt), and the share box holds the whole link. */
    writeUrl: function (query) {
      if (typeof query !== "string" || query.charAt(0) !== "?") return window.dash_clientside.no_update;
      if (window.location.search !== query) window.history.replaceState(window.history.state, "", window.location.pathname + query);
      return window.location.origin + window.location.pathname + query;
    },
    /* Move to another address of this app as a dcc.Link click does (history, then the event
       Dash pages listens to): the page is rebuilt for it, the tab keeps its session. */
    goTo: function (search) {
      if (typeof search === "string" && search.charAt(0) === "?") {
        window.history.pushState({}, "", window.location.pathname + search);
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
      }
      return null;
    },
    /* Your own data: a file over the limit is refused here, before it travels (the server
       checks everything else); a file within it goes on to the server's command. */
    checkUpload: function (contents, filename, limit) {
      if (typeof contents !== "string") return [window.dash_clientside.no_update, window.dash_clientside.no_update];
      var bytes = Math.floor((contents.length - contents.indexOf(",") - 1) * 3 / 4);
      if (bytes > limit) {
        return [window.dash_clientside.no_update,
                "Not used: " + filename + " is " + (bytes / 1e6).toFixed(1) + " MB; at most " + (limit / 1e6) +
                " MB. Your run is unchanged."];
      }
      return [{contents: contents, filename: filename}, "Reading " + filename + "…"];
    },
    /* Draw your data, as in GAN Lab: the samples plot takes freehand strokes (Plotly's own
       drawing tool); "Use drawing" sends them to the server, which makes points along them. */
    drawMode: function () {
      var gd = document.querySelector("#samples-graph .js-plotly-plot");
      if (!gd || !window.Plotly) return "The plot is not ready yet.";
      window.Plotly.relayout(gd, {dragmode: "drawopenpath", shapes: [],
                                  newshape: {line: {color: "#d62728", width: 5}, opacity: 0.8}});
      return "Draw strokes on the plot with the mouse (each stroke a line of real data), then press Use drawing.";
    },
    useDrawing: function () {
      var gd = document.querySelector("#samples-graph .js-plotly-plot");
      var shapes = (gd && gd.layout && gd.layout.shapes) || [];
      var strokes = shapes.map(function (s) { return s.path; }).filter(function (p) { return typeof p === "string"; });
      if (!strokes.length) return [window.dash_clientside.no_update, "Press Draw your data and draw on the plot first."];
      window.Plotly.relayout(gd, {dragmode: "zoom", shapes: []});
      return [{strokes: strokes, filename: "your drawing"}, "Reading your drawing…"];
    },
    /* Fetch a download the server has made a ticket for (an attachment: the page stays). */
    download: function (url) {
      if (typeof url === "string" && url.indexOf("/download/") === 0) {
        var a = document.createElement("a");
        a.href = url; a.download = ""; a.style.display = "none";
        document.body.appendChild(a); a.click(); a.remove();
      }
      return null;
    },
    /* Copy the link: the clipboard API where the page is a secure context, else the selected
       text of the (now shown) share box; the box stays, so it can be copied by hand too. */
    copyLink: function (n, link) {
      var box = document.getElementById("share-link");
      var copied = false;
      if (box) { box.style.display = "inline-block"; box.value = link; box.focus(); box.select(); }
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).catch(function () {});
        copied = true;
      }
      return [copied ? "Link copied: anyone who opens it gets this run." : "Copy the link from the box.",
              {display: "inline-block"}];
    }
  }
});

/* Accessible names for the sliders' handles (Dash's slider gives them none): the visible
   label of the control, and the value as a person writes it. */
(function () {
  function name() {
    var dropdown = document.getElementById("target-function");
    var wanted = "target-label target-function-value";
    if (dropdown && dropdown.getAttribute("aria-labelledby") !== wanted) dropdown.setAttribute("aria-labelledby", wanted);
    document.querySelectorAll(".slider[data-label]").forEach(function (slider) {
      var label = slider.getAttribute("data-label");
      slider.querySelectorAll("[role='slider']").forEach(function (handle) {
        if (handle.getAttribute("aria-label") !== label) handle.setAttribute("aria-label", label);
        var box = slider.getAttribute("data-box") && document.getElementById(slider.getAttribute("data-box"));
        if (box && handle.getAttribute("aria-valuetext") !== box.value) handle.setAttribute("aria-valuetext", box.value);
      });
    });
  }
  new MutationObserver(name).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                                                 attributeFilter: ["value", "aria-valuenow", "aria-labelledby"]});
})();

/* A clicked mark is the value written on it. The slider maps a click linearly over its whole
   width while it draws the end marks half a thumb inside, so a click on the label "1" landed
   on the next value; a click on a mark sets that mark's value instead. */
document.addEventListener("pointerdown", function (event) {
  var root = event.target.closest && event.target.closest(".dash-slider-root");
  var container = root && root.closest(".dash-slider-container");
  if (!container || !container.id || !window.dash_clientside || !window.dash_clientside.set_props) return;
  // The marks let the pointer through to the slider: find the label under the pointer.
  var mark = Array.prototype.find.call(container.querySelectorAll(".dash-slider-mark"), function (m) {
    var r = m.getBoundingClientRect();
    return event.clientX >= r.left - 2 && event.clientX <= r.right + 2 && event.clientY >= r.top - 2 && event.clientY <= r.bottom + 2;
  });
  var handle = container.querySelector("[role='slider']");
  var percent = mark && parseFloat((mark.style.left.match(/([\d.]+)%/) || [])[1]);
  if (!mark || !handle || isNaN(percent)) return;
  var low = parseFloat(handle.getAttribute("aria-valuemin")), high = parseFloat(handle.getAttribute("aria-valuemax"));
  event.preventDefault();
  event.stopPropagation();
  window.dash_clientside.set_props(container.id, {value: Math.round(low + percent / 100 * (high - low))});
}, true);

/* A legend never covers its graph's title. A horizontal legend sits on the plot's top edge and
   grows upwards when it wraps (Large type, a phone), and Plotly makes room for it but not for
   the title above it; so where the two meet, the plot's top margin grows by the overlap.
   Large type sets the margins afresh, and this makes room again if it is still needed. */
(function () {
  function roomForTitles() {
    if (!window.Plotly) return;
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      var title = gd.querySelector(".gtitle"), legend = gd.querySelector(".legend");
      var size = gd._fullLayout && gd._fullLayout._size;
      if (!title || !legend || !size || !title.textContent) return;
      var t = title.getBoundingClientRect(), l = legend.getBoundingClientRect();
      if (!l.height || l.left > t.right || l.right < t.left) return;
      var overlap = t.bottom + 4 - l.top;
      if (overlap > 1) window.Plotly.relayout(gd, {"margin.t": Math.ceil(size.t + overlap)});
    });
  }
  setInterval(roomForTitles, 400);
})();
