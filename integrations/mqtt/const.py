"""Constants of the mqtt integration."""

from typing import Final

DOMAIN: Final = "mqtt"

CONF_MODE: Final = "mode"
CONF_HOST: Final = "host"
CONF_PORT: Final = "port"
CONF_USERNAME: Final = "username"
CONF_PASSWORD: Final = "password"
CONF_TLS: Final = "tls"
CONF_TLS_INSECURE: Final = "tls_insecure"
CONF_DISCOVERY_PREFIX: Final = "discovery_prefix"
CONF_ZIGBEE2MQTT_TOPIC: Final = "zigbee2mqtt_topic"

MODE_EMBEDDED: Final = "embedded"  # the hub runs the broker itself
MODE_EXTERNAL: Final = "external"  # Mosquitto or any broker the community runs

DEFAULT_PORT: Final = 1883
DEFAULT_TLS_PORT: Final = 8883
DEFAULT_BIND: Final = "0.0.0.0"  # the embedded broker listens for devices on the LAN
DEFAULT_DISCOVERY_PREFIX: Final = "homeassistant"
DEFAULT_ZIGBEE2MQTT_TOPIC: Final = "zigbee2mqtt"

# Seconds async_setup_entry waits for the first connection before retrying the entry later.
FIRST_CONNECTION_TIMEOUT: Final = 10.0

EVENT_MQTT_CONNECTION: Final = "mqtt_connection_changed"
