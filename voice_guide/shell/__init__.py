"""The imperative shell: clocks, the loop, and the workers that perform actions."""
