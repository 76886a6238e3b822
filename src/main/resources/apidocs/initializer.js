// Heartgate's own start-up of Swagger UI. The WebJar's swagger-initializer.js is never served: it points at a
// public example. This one reads the gateway's own document and asks no other host for anything (no validator
// badge, no configuration taken from the page's query string).
window.ui = SwaggerUIBundle({
  url: '/api/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  queryConfigEnabled: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
