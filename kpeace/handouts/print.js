/* kpeace handouts: figures fit the printed page. Plotly draws a figure at the width of the
   screen; when printing, each one wider than the page is redrawn at the page's width (A4 or
   Letter less the 0.5 in margins, less the body's padding) and given back its width after. */
(function () {
  var PAGE = 660;
  function fit(printing) {
    if (!window.Plotly) return;
    document.querySelectorAll('.js-plotly-plot').forEach(function (gd) {
      if (printing && gd.getBoundingClientRect().width > PAGE) {
        gd.setAttribute('data-kp-printed', '');
        Plotly.relayout(gd, {width: PAGE});
      } else if (!printing && gd.hasAttribute('data-kp-printed')) {
        gd.removeAttribute('data-kp-printed');
        Plotly.relayout(gd, {width: null, autosize: true});
      }
    });
  }
  window.addEventListener('beforeprint', function () { fit(true); });
  window.addEventListener('afterprint', function () { fit(false); });
  window.matchMedia('print').addEventListener('change', function (e) { fit(e.matches); });
})();
