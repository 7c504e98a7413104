"""The Streamlit app: thin pages over cached loaders; logic lives in the package."""
