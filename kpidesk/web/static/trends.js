// Draws the trend chart from the Vega-Lite spec the server wrote into it, with the page's month names;
// again after htmx swaps in a new chart and table.
function drawTrends(root) {
  root.querySelectorAll(".trend-chart[data-spec]").forEach(function (element) {
    var spec = JSON.parse(element.getAttribute("data-spec"));
    var locale = JSON.parse(element.getAttribute("data-locale"));
    vegaEmbed(element, spec, { actions: false, renderer: "svg", timeFormatLocale: locale }).catch(function () {
      element.remove();
    });
  });
}
drawTrends(document);
document.body.addEventListener("htmx:afterSwap", function (event) {
  drawTrends(event.detail.target);
});
