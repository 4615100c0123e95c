"""The center as data: schema, loading and validation."""

from config.load import ConfigError, load_config, parse_config
from config.schema import CenterConfig

__all__ = ["CenterConfig", "ConfigError", "load_config", "parse_config"]
