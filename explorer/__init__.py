"""The app's logic that is not Streamlit: texts, presets, code edits, checks and URL state.

Pages import these modules and only wire widgets to them; nothing here imports streamlit.
"""
