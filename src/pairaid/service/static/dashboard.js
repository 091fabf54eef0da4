// Draws the board's map from the figure the server sent with the table, again after each
// htmx refresh (Plotly.react updates the existing plot in place).
(function () {
  function draw() {
    var data = document.getElementById('board-figure');
    var target = document.getElementById('board-map');
    if (!data || !target || !window.Plotly) { return; }
    var fig = JSON.parse(data.textContent);
    Plotly.react(target, fig.data, fig.layout, {displaylogo: false, responsive: true})
      .then(function () { document.body.setAttribute('data-map-drawn', Date.now()); });
  }
  draw();
  document.body.addEventListener('htmx:afterSwap', function (e) {
    if (e.target && e.target.id === 'live') { draw(); }
  });
})();
