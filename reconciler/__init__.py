"""acr: configuration as code for ActiveCampaign accounts."""

__version__ = "0.1.0"
