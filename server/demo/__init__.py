"""The demo hall (MPP Kabupaten Tangerang): its seed data, opening hours, device tokens
and client configs, for trying Antre without a real hall."""
