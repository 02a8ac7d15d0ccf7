"""The facilitator's pages: console, board, projection, bilan and their downloads."""
