"""Renderers: how a service's result reads in a person's language (catalog texts), apart from update handling.

Services return data, Text (catalog key + parameters) and Actions; these modules and `reply` turn them into text
and buttons at the edge.
"""
