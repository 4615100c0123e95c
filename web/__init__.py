"""The center's web face (`qms web`): the ticket's page behind the QR code, the public
ranking, the hall board for a smart TV, the center now, and the JSON API with its OpenAPI
document. Its own process and an MQTT device of role `web`: it never writes but by sending
commands to the hub."""
