//! Everything a person can ask qari to do; keys map to these through the
//! table in [`super::keymap`].

/// A user intent, independent of the key that produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Moves the list selection down one document.
    SelectNext,
    /// Moves the list selection up one document.
    SelectPrevious,
    /// Selects the first document.
    SelectFirst,
    /// Selects the last document.
    SelectLast,
    /// Opens the selected document and focuses the reading pane.
    Open,
    /// Scrolls the reading pane down one line.
    ScrollDown,
    /// Scrolls the reading pane up one line.
    ScrollUp,
    /// Scrolls the reading pane down one page.
    PageDown,
    /// Scrolls the reading pane up one page.
    PageUp,
    /// Scrolls the reading pane down half a page.
    HalfPageDown,
    /// Scrolls the reading pane up half a page.
    HalfPageUp,
    /// Goes to the start of the document.
    Top,
    /// Goes to the end of the document.
    Bottom,
    /// Opens the next document in the list.
    NextDocument,
    /// Opens the previous document in the list.
    PreviousDocument,
    /// Returns from the reading pane to the list.
    Back,
    /// Moves focus to the other pane.
    SwitchFocus,
    /// Hides the list so the reading pane has the whole width, or shows
    /// it again.
    ToggleList,
    /// Opens the filter bar over the document list.
    OpenFilter,
    /// Drops a kept filter and shows every document again.
    ClearFilter,
    /// Opens the search bar for the open document.
    OpenSearch,
    /// Opens the search bar to search the open document backward.
    OpenSearchBackward,
    /// Shows an earlier query in the search bar.
    EarlierSearch,
    /// Shows a later query in the search bar (past the newest: what was typed).
    LaterSearch,
    /// Opens the go-to bar: a paragraph number or a percentage.
    OpenGoTo,
    /// Opens full-text search across the library.
    OpenLibrarySearch,
    /// Jumps to the next search hit.
    NextHit,
    /// Jumps to the previous search hit.
    PreviousHit,
    /// Types a character into the open bar.
    Insert(char),
    /// Deletes the last character of the bar's text.
    DeleteChar,
    /// Deletes the last word of the bar's text.
    DeleteWord,
    /// Clears the bar's text.
    ClearInput,
    /// Closes the bar (or list) and keeps its result: the filter opens the
    /// selection, the go-to bar and the list of bookmarks go there.
    AcceptInput,
    /// Closes the bar (or list) and drops its result.
    CancelInput,
    /// Shows or hides the help overlay.
    ToggleHelp,
    /// Waits for a letter, then sets that bookmark at the reading position.
    SetMark,
    /// Waits for a letter, then goes to that bookmark.
    JumpToMark,
    /// Goes back to where the last jump started (`''`).
    JumpBack,
    /// Lists the bookmarks to pick one.
    ListMarks,
    /// Waits for a letter, then deletes that bookmark.
    DeleteMark,
    /// Starts a selection at the reading place (`v`).
    StartSelection,
    /// Copies the selection; in the reading pane, waits for a second `y`.
    Copy,
    /// Copies the paragraph at the top of the reading pane (`yy`).
    CopyParagraph,
    /// Copies the whole document's text (`Y`).
    CopyDocument,
    /// Copies the whole paragraphs a selection touches.
    CopyParagraphs,
    /// Moves the selection's end to the next word, in reading order.
    WordForward,
    /// Moves it to the end of the word, or of the next one.
    WordEnd,
    /// Moves it to the previous word.
    WordBackward,
    /// Moves it to the start of its line (in reading order).
    LineStart,
    /// Moves it to the end of its line.
    LineEnd,
    /// Moves it to the end of the paragraph, or of the next one.
    ParagraphForward,
    /// Moves it to the start of the paragraph, or of the one before.
    ParagraphBackward,
    /// Moves it to the cell on its left.
    CursorLeft,
    /// Moves it to the cell on its right.
    CursorRight,
    /// Starts the selection again at its moving end (the text selected so
    /// far is let go).
    StartHere,
    /// Makes the other end of the selection the one that moves.
    SwapEnds,
    /// Shows a structured document's source, or its blocks again.
    ToggleSource,
    /// Shows the outline of a structured document.
    OpenOutline,
    /// Goes to the next heading.
    NextHeading,
    /// Goes to the previous heading.
    PreviousHeading,
    /// Reads the open document's file again.
    Reload,
    /// Hides the note about the terminal for good.
    DismissNote,
    /// Gives the terminal back to the shell and stops qari until the
    /// shell continues it (`fg`).
    Suspend,
    /// Quits qari.
    Quit,
}
