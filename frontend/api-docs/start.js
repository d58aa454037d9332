// Starts the API reference viewer on /api-docs with Foxgate's own description. A file, not
// an inline script, so the page's Content-Security-Policy needs no exception for it.
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#api-docs",
    deepLinking: true,
    // "Try it out" sends requests from this page with the browser's session cookie; the
    // validator badge would call a third-party site, so it is off.
    validatorUrl: null,
    withCredentials: true,
  });
});
