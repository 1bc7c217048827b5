"""The LRS's document resources (being built): State, Activity Profile, Agent Profile,
Activities and Agents, on the LRS blueprint."""

from lms_core.xapi.lrs import bp  # noqa: F401
