"""The coverage report of regression runs (`lpu cov report`)."""
