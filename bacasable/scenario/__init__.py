"""The scenario and persona formats: pydantic models and the YAML loader. Imports common."""
