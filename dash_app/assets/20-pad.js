/* Page title and language link follow the client shown (WCAG 2.4.2); an expired session sends the user to
   the login page instead of leaving a page that no longer answers. No network access beyond this site. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  pad: {
    titleAndLanguageLink: function (client, texts) {
      var home = (texts && texts.home) || document.title;
      var other = (texts && texts.other) || "en";
      document.title = client && client.title ? client.title : home;
      var next = client && client.client_id ? "/?client=" + client.client_id : "/";
      // the address carries the client shown, so a reload or a shared link opens the same client (replaceState:
      // no new history entry and no second lookup)
      if (client && client.client_id && window.location.search !== "?client=" + client.client_id) {
        window.history.replaceState(window.history.state, "", next);
      }
      return ["", "/lang/" + other + "?next=" + encodeURIComponent(next)];
    },
    // dbc.Input says "invalid" with a class only: assistive technology needs aria-invalid and the message's id
    idFieldState: function (invalid, feedbackId) {
      var field = document.getElementById("client-id-input");
      if (field) {
        field.setAttribute("aria-invalid", invalid ? "true" : "false");
        field.setAttribute("aria-describedby", feedbackId);
      }
      return "";
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
