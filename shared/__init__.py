"""Code every Antre process uses: protocol names, error codes, ticket numbers, call-out text."""
