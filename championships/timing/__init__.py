"""The timing-system feed: tokens, events applied to results, and recordings replayed."""
