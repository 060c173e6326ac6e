"""Language facts in one room: where the paragraphs and sentences of a text are
(`sentences`), what kinds of fact a span states (`facts`), and what a question asks for
(`questions`). Chunking, evidence selection, the extractive answerer and the citation check
all ask here, so each rule exists once."""
