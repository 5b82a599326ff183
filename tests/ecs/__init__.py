"""Tests of the ECS client in shared/ecs and of shared/credentials.py."""
