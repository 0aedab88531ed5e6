// Draws each card's sparkline from the Vega-Lite spec the server wrote into it.
document.querySelectorAll(".spark[data-spec]").forEach(function (element) {
  var spec = JSON.parse(element.getAttribute("data-spec"));
  vegaEmbed(element, spec, { actions: false, renderer: "svg" }).catch(function () {
    element.remove();
  });
});
