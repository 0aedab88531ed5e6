// Draws the staffing heatmap from the Vega-Lite spec the server wrote into the page.
document.querySelectorAll(".heatmap[data-spec]").forEach(function (element) {
  var spec = JSON.parse(element.getAttribute("data-spec"));
  vegaEmbed(element, spec, { actions: false, renderer: "svg" }).catch(function () {
    element.remove();
  });
});
