"""The path of a question once its passages are found: from retrieved sentences to a checked,
cited Answer. Read top to bottom, as `Assistant.ask` runs it:

    condense    a follow-up rewritten into a standalone question (chat)
    evidence    the passages' sentences scored against the question, and the judge's say
    judge       the cross-encoder the project trains: does this sentence answer this question?
    extractive  the answer as verbatim quotes of the best evidence (no model)
    generation  the answer written by a language model from numbered evidence, then checked
    citations   every sentence of an answer matched to the evidence it cites, verbatim

Retrieval (`assistant.retrieval`) comes before it; the Answer it returns is located in its
documents by `assistant.core`. Nothing here reads files or opens the index."""
