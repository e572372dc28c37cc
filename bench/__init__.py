"""`make bench`: Gracious against Rasa's own starter bot, side by side on one machine.

See bench/__main__.py for what runs in which order, and README.md ("Speed") for how
to read the figures.
"""
