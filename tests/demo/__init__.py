"""Tests of the demo generators."""
