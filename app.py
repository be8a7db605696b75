import streamlit as st

st.title("Autograd Explorer")
