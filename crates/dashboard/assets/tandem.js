// Tandem dashboard: submit filters on change, and download charts (SVG or PNG) and tables. No network use.
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function () { form.submit(); });
  }
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function svgText(svg) {
    var copy = svg.cloneNode(true);
    copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-download]");
    if (!button) return;
    var svg = document.getElementById(button.getAttribute("data-target"));
    if (!svg) return;
    var name = svg.getAttribute("data-chart") || "chart";
    var text = svgText(svg);
    if (button.getAttribute("data-download") === "svg") {
      save(new Blob([text], { type: "image/svg+xml" }), name + ".svg");
      return;
    }
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value, scale = 2;
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = width * scale;
      canvas.height = height * scale;
      var g = canvas.getContext("2d");
      g.fillStyle = "#fff";
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) { save(blob, name + ".png"); }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  });
})();
