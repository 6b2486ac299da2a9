/* Page title and language link follow the client shown (WCAG 2.4.2); an expired session sends the user to
   the login page instead of leaving a page that no longer answers. No network access beyond this site. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  pad: {
    titleAndLanguageLink: function (client, texts) {
      var home = (texts && texts.home) || document.title;
      var other = (texts && texts.other) || "en";
      document.title = client && client.title ? client.title : home;
      var next = client && client.client_id ? "/?client=" + client.client_id : "/";
      return ["", "/lang/" + other + "?next=" + encodeURIComponent(next)];
    },
  },
});

(function () {
  var originalFetch = window.fetch;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && String(response.url).indexOf("/_dash-") !== -1) {
        window.location.assign("/login?expired=1&next=" + encodeURIComponent(window.location.pathname +
          window.location.search));
      }
      return response;
    });
  };
})();
