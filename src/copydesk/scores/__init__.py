"""Scores of a cleaning run: MQM-style penalty, edit rate, reference metrics."""
