"""Adapters that read agency plans and disbursement (Google Sheets via gspread, xlsx/csv via pandas) into engine objects, and write results back."""
