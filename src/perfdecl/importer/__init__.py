"""perfdecl import: read a Word declaration back into YAML sources.

`document` reads a .docx as Word and LibreOffice write it into plain blocks
(paragraphs, tables as grids); `recognise` maps those blocks to a declaration
and its projects by the labels of the template's form; `emit` writes them as
YAML in the style of `perfdecl init`.
"""
