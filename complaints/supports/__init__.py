"""Support ("saya juga mengalami"): one per user per complaint, counted on the complaint."""
