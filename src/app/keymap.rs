//! The one table from keys to actions. The help overlay and the status-bar
//! hints are generated from it, so they cannot drift from what keys do.
//!
//! Two things change what a key means before it is looked up, each in one
//! place: on a mirrored screen ← and → swap ([`mirror`]), so that the arrow
//! pointing at a pane goes there; and outside the bars, letters typed on
//! an Arabic, Persian or Hebrew keyboard layout are the Latin keys they sit
//! on ([`super::keyboard`]).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::keyboard::Keyboard;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The document list has focus.
    List,
    /// The reading pane has focus.
    Reader,
    /// The filter bar over the list is open.
    Filter,
    /// The search bar over the open document is open.
    Search,
    /// The go-to bar is open.
    GoTo,
    /// The library search results are open.
    Library,
    /// The list of bookmarks is open.
    Bookmarks,
    /// Editing keys shared by the filter and search bars.
    Input,
    /// The help overlay is open.
    Help,
    /// A bookmark command (`m`, `'`) waits for its letter.
    Mark,
    /// Text is being selected in the reading pane.
    Select,
    /// `y` waits for a second `y`.
    Yank,
    /// The outline of a structured document is open.
    Outline,
    /// Anywhere, unless the context above binds the key.
    Global,
}

impl Context {
    /// The heading the help overlay gives this context.
    pub fn title(self) -> &'static str {
        match self {
            Context::List => "Document list",
            Context::Reader => "Reading pane",
            Context::Filter => "Filter bar (list)",
            Context::Search => "Search bar (document)",
            Context::GoTo => "Go-to bar",
            Context::Library => "Library search",
            Context::Bookmarks => "List of bookmarks",
            Context::Input => "All bars",
            Context::Help => "Help",
            Context::Mark => "After m, ' or M",
            Context::Select => "Selecting (v, or the mouse)",
            Context::Yank => "After y",
            Context::Outline => "Outline",
            Context::Global => "Anywhere",
        }
    }
}

/// A key: code plus the modifiers that matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    /// The key code.
    pub code: KeyCode,
    /// Control, Alt… (Shift is folded into the character).
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Where it applies.
    pub context: Context,
    /// The keys, the first of which is shown in hints.
    pub keys: &'static [Key],
    /// What they do.
    pub action: Action,
    /// Words for the help overlay.
    pub help: &'static str,
    /// A word or two for the status bar's hints, if it earns a place there.
    pub hint: Option<&'static str>,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        help,
        hint,
    }
}

use Context::{
    Bookmarks, Filter, Global, GoTo, Help, Input, Library, List, Mark, Outline, Reader, Search,
    Select, Yank,
};
use KeyCode::{Backspace, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

/// Every key qari understands.
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    bind(List, &[ch('j'), plain(Down)], Action::SelectNext, "next document", Some("move")),
    bind(List, &[ch('k'), plain(Up)], Action::SelectPrevious, "previous document", None),
    bind(List, &[ch('g'), plain(Home)], Action::SelectFirst, "first document", None),
    bind(List, &[ch('G'), plain(End)], Action::SelectLast, "last document", None),
    bind(List, &[plain(Enter), ch('l'), plain(Right)], Action::Open, "open the document", Some("open")),
    bind(List, &[ch('/')], Action::OpenFilter, "filter the list", Some("filter")),
    bind(List, &[plain(Esc)], Action::ClearFilter, "show all documents", None),
    bind(Filter, &[plain(Enter)], Action::AcceptInput, "open the selection", Some("open")),
    bind(Filter, &[plain(Esc)], Action::CancelInput, "cancel, show all", Some("cancel")),
    bind(Search, &[plain(Enter)], Action::AcceptInput, "keep the hits", Some("done")),
    bind(Search, &[plain(Esc)], Action::CancelInput, "cancel: back to start", Some("cancel")),
    bind(Search, &[plain(Up), ctrl('p')], Action::EarlierSearch, "an earlier search", Some("earlier")),
    bind(Search, &[plain(Down), ctrl('n')], Action::LaterSearch, "a later search", None),
    bind(GoTo, &[plain(Enter)], Action::AcceptInput, "go there", Some("go")),
    bind(GoTo, &[plain(Esc)], Action::CancelInput, "stay where you are", Some("cancel")),
    bind(Library, &[plain(Enter)], Action::AcceptInput, "open at the paragraph", Some("open")),
    bind(Library, &[plain(Esc)], Action::CancelInput, "close the results", Some("close")),
    bind(Bookmarks, &[ch('j'), plain(Down), ctrl('n')], Action::SelectNext, "next bookmark", Some("move")),
    bind(Bookmarks, &[ch('k'), plain(Up), ctrl('p')], Action::SelectPrevious, "previous bookmark", None),
    bind(Bookmarks, &[plain(Enter)], Action::AcceptInput, "go to the bookmark", Some("go")),
    bind(Bookmarks, &[plain(Esc), ch('q')], Action::CancelInput, "close the list", Some("close")),
    bind(Input, &[plain(Down), ctrl('n')], Action::SelectNext, "next match or result", None),
    bind(Input, &[plain(Up), ctrl('p')], Action::SelectPrevious, "previous one", None),
    bind(Input, &[plain(Backspace)], Action::DeleteChar, "delete a character", None),
    bind(Input, &[ctrl('w')], Action::DeleteWord, "delete a word", None),
    bind(Input, &[ctrl('u')], Action::ClearInput, "clear", None),
    bind(Reader, &[ch('j'), plain(Down)], Action::ScrollDown, "down one line", Some("scroll")),
    bind(Reader, &[ch('k'), plain(Up)], Action::ScrollUp, "up one line", None),
    bind(Reader, &[ch(' '), ch('f'), plain(PageDown)], Action::PageDown, "down one page", Some("page")),
    bind(Reader, &[ch('b'), plain(PageUp)], Action::PageUp, "up one page", None),
    bind(Reader, &[ctrl('d')], Action::HalfPageDown, "down half a page", None),
    bind(Reader, &[ctrl('u')], Action::HalfPageUp, "up half a page", None),
    bind(Reader, &[ch('g'), plain(Home)], Action::Top, "start of document", None),
    bind(Reader, &[ch('G'), plain(End)], Action::Bottom, "end of document", None),
    bind(Reader, &[ch(']')], Action::NextDocument, "next document", Some("next")),
    bind(Reader, &[ch('[')], Action::PreviousDocument, "previous document", None),
    bind(Reader, &[ch('/')], Action::OpenSearch, "search in document", Some("search")),
    bind(Reader, &[ch('\\')], Action::OpenSearchBackward, "search backward", None),
    bind(Reader, &[ch('n')], Action::NextHit, "next hit", None),
    bind(Reader, &[ch('N')], Action::PreviousHit, "previous hit", None),
    bind(Reader, &[ch('h'), plain(Esc), plain(Left)], Action::Back, "back to the list", Some("list")),
    bind(Reader, &[ch('o')], Action::OpenOutline, "outline (headings)", Some("outline")),
    bind(Reader, &[ch('}')], Action::NextHeading, "next heading", None),
    bind(Reader, &[ch('S')], Action::ToggleSource, "the source, or not", None),
    bind(Reader, &[ch('{')], Action::PreviousHeading, "previous heading", None),
    bind(Outline, &[ch('j'), plain(Down), ctrl('n')], Action::SelectNext, "next heading", Some("move")),
    bind(Outline, &[ch('k'), plain(Up), ctrl('p')], Action::SelectPrevious, "previous heading", None),
    bind(Outline, &[ch('g'), plain(Home)], Action::SelectFirst, "first heading", None),
    bind(Outline, &[ch('G'), plain(End)], Action::SelectLast, "last heading", None),
    bind(Outline, &[plain(Enter)], Action::AcceptInput, "go to the heading", Some("go")),
    bind(Outline, &[plain(Esc), ch('o'), ch('q')], Action::CancelInput, "close the outline", Some("close")),
    bind(Reader, &[ch('v')], Action::StartSelection, "select text to copy", Some("select")),
    bind(Reader, &[ch('y')], Action::Copy, "(yy) copy a paragraph", None),
    bind(Reader, &[ch('Y')], Action::CopyDocument, "copy the document", None),
    bind(Yank, &[ch('y')], Action::CopyParagraph, "copy the paragraph", Some("copy")),
    bind(Yank, &[plain(Esc)], Action::CancelInput, "copy nothing", Some("cancel")),
    bind(Select, &[ch('y')], Action::Copy, "copy the selection", Some("copy")),
    bind(Select, &[ch('Y')], Action::CopyParagraphs, "copy whole paragraphs", None),
    bind(Select, &[plain(Esc), ch('v')], Action::CancelInput, "stop selecting", Some("cancel")),
    bind(Select, &[ch('j'), plain(Down)], Action::ScrollDown, "a line down", Some("extend")),
    bind(Select, &[ch('k'), plain(Up)], Action::ScrollUp, "a line up", None),
    bind(Select, &[ch('h'), plain(Left)], Action::CursorLeft, "a letter to the left", None),
    bind(Select, &[ch('l'), plain(Right)], Action::CursorRight, "a letter to the right", None),
    bind(Select, &[ch('w')], Action::WordForward, "next word", Some("word")),
    bind(Select, &[ch('e')], Action::WordEnd, "end of the word", None),
    bind(Select, &[ch('b')], Action::WordBackward, "previous word", None),
    bind(Select, &[ch('0'), plain(Home)], Action::LineStart, "start of the line", None),
    bind(Select, &[ch('$'), plain(End)], Action::LineEnd, "end of the line", None),
    bind(Select, &[ch('}')], Action::ParagraphForward, "end of paragraph", None),
    bind(Select, &[ch('{')], Action::ParagraphBackward, "start of paragraph", None),
    bind(Select, &[ch(' '), ch('f'), plain(PageDown)], Action::PageDown, "a page down", None),
    bind(Select, &[plain(PageUp), ctrl('b')], Action::PageUp, "a page up", None),
    bind(Select, &[ctrl('d')], Action::HalfPageDown, "half a page down", None),
    bind(Select, &[ctrl('u')], Action::HalfPageUp, "half a page up", None),
    bind(Select, &[ch('g')], Action::Top, "to the start", None),
    bind(Select, &[ch('G')], Action::Bottom, "to the end", None),
    bind(Select, &[ch('o')], Action::SwapEnds, "move the other end", None),
    bind(Select, &[ch('s')], Action::StartHere, "start it here instead", None),
    bind(Help, &[ch('?'), plain(Esc), ch('q')], Action::ToggleHelp, "close help", Some("close")),
    bind(Help, &[ch('j'), plain(Down)], Action::ScrollDown, "more keys", Some("more")),
    bind(Help, &[ch('k'), plain(Up)], Action::ScrollUp, "back up", None),
    bind(Mark, &[plain(Esc)], Action::CancelInput, "no bookmark after all", Some("cancel")),
    bind(Mark, &[ch('\''), ch('`')], Action::JumpBack, "(after ') jump back", Some("back")),
    bind(Mark, &[ch('?')], Action::ListMarks, "list the bookmarks", Some("list")),
    bind(Global, &[ch('m')], Action::SetMark, "set a bookmark", None),
    bind(Global, &[ch('\''), ch('`')], Action::JumpToMark, "go to a bookmark", None),
    bind(Global, &[ch(':')], Action::OpenGoTo, "go to ¶ 120 or 50%", None),
    bind(Global, &[ch('M')], Action::DeleteMark, "delete a bookmark", None),
    bind(Global, &[ch('r')], Action::Reload, "read the file again", None),
    bind(Global, &[ch('x')], Action::DismissNote, "dismiss the note", None),
    bind(Global, &[ch('z')], Action::ToggleList, "hide or show the list", None),
    bind(Global, &[ctrl('f'), ch('F')], Action::OpenLibrarySearch, "search all documents", Some("search all")),
    bind(Global, &[plain(Tab)], Action::SwitchFocus, "switch pane", Some("pane")),
    bind(Global, &[ch('?')], Action::ToggleHelp, "help", Some("help")),
    bind(Global, &[ctrl('z')], Action::Suspend, "suspend (fg resumes)", None),
    bind(Global, &[ch('q'), ctrl('c')], Action::Quit, "quit", Some("quit")),
];

/// Whether a global action works whatever is open (help, a bar, a pending
/// bookmark letter): it leaves the program, for good or until `fg`.
fn leaves_qari(action: Action) -> bool {
    matches!(action, Action::Quit | Action::Suspend)
}

/// Normalises a key event: Shift is part of the character, release and
/// repeat-less press kinds are told apart by the caller.
fn key_of(event: &KeyEvent) -> Key {
    let mut modifiers = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let code = match event.code {
        KeyCode::Char(c) if modifiers.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        KeyCode::BackTab => {
            modifiers = KeyModifiers::NONE;
            KeyCode::Tab
        }
        other => other,
    };
    Key { code, modifiers }
}

/// The key as the table has it on a screen that is `mirrored` (the list on
/// the right, the reading pane on its left) or not: ← and → swap, so that
/// ← goes toward the reading pane and → back to the list. Its own inverse:
/// the help shows the table's keys through it too.
pub fn mirror(key: Key, mirrored: bool) -> Key {
    let code = match key.code {
        Left if mirrored => Right,
        Right if mirrored => Left,
        code => code,
    };
    Key { code, ..key }
}

/// A letter typed on an Arabic, Persian or Hebrew layout read as the Latin
/// key it sits on (see [`super::keyboard`]); any other key as it is.
fn on_latin_keys(key: Key, keyboard: Keyboard) -> Key {
    match key.code {
        KeyCode::Char(c) => match keyboard.latin(c) {
            Some(latin) => Key {
                code: KeyCode::Char(latin),
                ..key
            },
            None => key,
        },
        _ => key,
    }
}

/// The action for a key event in the given context (falling back to the
/// global bindings), or `None`, on a `mirrored` screen or not, with letters
/// of non-Latin layouts read by `keyboard`. Key releases are ignored.
pub fn action_for(
    context: Context,
    event: &KeyEvent,
    mirrored: bool,
    keyboard: Keyboard,
) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    // Selecting, ← and → move to the cell on that side: no mirroring.
    let key = mirror(key_of(event), mirrored && context != Context::Select);
    // What is typed in a bar is text; with Ctrl or Alt it is a command there
    // too. The letter after `m` or `'` is a bookmark's, and bookmarks are
    // Latin letters: `m` then ت sets bookmark j.
    let text = matches!(
        context,
        Context::Filter | Context::Search | Context::Library
    ) && key.modifiers.is_empty();
    let key = if text {
        key
    } else {
        on_latin_keys(key, keyboard)
    };
    let find = |ctx: Context| {
        KEYMAP
            .iter()
            .find(|b| b.context == ctx && b.keys.contains(&key))
            .map(|b| b.action)
    };
    // Where text is typed, an unbound character is text (Arabic from an
    // Arabic keyboard layout arrives as characters too); Ctrl-c still quits
    // and Ctrl-z still suspends.
    let typed = || match key {
        Key {
            code: KeyCode::Char(c),
            modifiers,
        } if !modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            Some(Action::Insert(c))
        }
        _ => find(Global).filter(|a| leaves_qari(*a) && key.code != KeyCode::Char('q')),
    };
    match context {
        // Help is modal: only its own keys, quitting and suspending work.
        Context::Help => find(Help).or_else(|| find(Global).filter(|a| leaves_qari(*a))),
        // The letter after `m` or `'`: any character, checked by the app.
        Context::Mark => find(Mark).or_else(typed),
        // The list of bookmarks is modal, as the help is, and so is a
        // selection.
        Context::Bookmarks | Context::Select | Context::Outline => {
            find(context).or_else(|| find(Global).filter(|a| leaves_qari(*a)))
        }
        // After `y`, a key that is not a second `y` copies nothing.
        Context::Yank => find(Yank)
            .or_else(|| find(Global).filter(|a| leaves_qari(*a) && key.code != KeyCode::Char('q')))
            .or(Some(Action::CancelInput)),
        Context::Filter | Context::Search | Context::GoTo | Context::Library => {
            find(context).or_else(|| find(Input)).or_else(typed)
        }
        _ => find(context).or_else(|| find(Global)),
    }
}

/// How a key is written in hints and help: `j`, `Enter`, `Ctrl-d`.
pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Down => "↓".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        other => format!("{other:?}"),
    };
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        format!("Ctrl-{base}")
    } else if key.modifiers.contains(KeyModifiers::ALT) {
        format!("Alt-{base}")
    } else {
        base
    }
}

/// Status-bar hints for a context: `key action` pairs, from the table.
pub fn hints(context: Context) -> Vec<(String, &'static str)> {
    let own = KEYMAP.iter().filter(|b| b.context == context);
    let modal = matches!(
        context,
        Context::Help
            | Context::Filter
            | Context::Search
            | Context::GoTo
            | Context::Library
            | Context::Bookmarks
            | Context::Mark
            | Context::Select
            | Context::Yank
            | Context::Outline
    );
    let global = KEYMAP.iter().filter(|b| b.context == Global && !modal);
    own.chain(global)
        .filter_map(|b| b.hint.map(|hint| (key_name(&b.keys[0]), hint)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    /// The action on an unmirrored screen, Arabic letters read as Arabic (101).
    fn action_for(context: Context, event: &KeyEvent) -> Option<Action> {
        super::action_for(context, event, false, Keyboard::Arabic)
    }

    #[test]
    fn arrows_point_at_the_pane_they_go_to() {
        let left = press(KeyCode::Left, KeyModifiers::NONE);
        let right = press(KeyCode::Right, KeyModifiers::NONE);
        let on =
            |context, key, mirrored| super::action_for(context, key, mirrored, Keyboard::Arabic);
        assert_eq!(on(Context::List, &right, false), Some(Action::Open));
        assert_eq!(on(Context::Reader, &left, false), Some(Action::Back));
        assert_eq!(on(Context::List, &left, true), Some(Action::Open));
        assert_eq!(on(Context::Reader, &right, true), Some(Action::Back));
        assert_eq!(on(Context::List, &right, true), None);
        assert_eq!(on(Context::Reader, &left, true), None);
        assert_eq!(mirror(mirror(plain(Left), true), true), plain(Left));
        assert_eq!(mirror(ch('h'), true), ch('h'));
    }

    #[test]
    fn arabic_and_hebrew_letters_are_keys_outside_the_bars() {
        let key = |c| press(KeyCode::Char(c), KeyModifiers::NONE);
        assert_eq!(
            action_for(Context::List, &key('ت')),
            Some(Action::SelectNext)
        );
        assert_eq!(
            action_for(Context::Reader, &key('ن')),
            Some(Action::ScrollUp)
        );
        assert_eq!(action_for(Context::Reader, &key('ض')), Some(Action::Quit));
        assert_eq!(
            action_for(Context::List, &key('ظ')),
            Some(Action::OpenFilter)
        );
        assert_eq!(
            action_for(Context::Reader, &key('ח')),
            Some(Action::ScrollDown)
        );
        assert_eq!(
            action_for(Context::Help, &key('؟')),
            Some(Action::ToggleHelp)
        );
        // A bookmark letter is a Latin letter.
        assert_eq!(
            action_for(Context::Mark, &key('ت')),
            Some(Action::Insert('j'))
        );
        // In a bar the letter is text, unless Ctrl is held.
        assert_eq!(
            action_for(Context::Filter, &key('ت')),
            Some(Action::Insert('ت'))
        );
        let ctrl_sad = press(KeyCode::Char('ص'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for(Context::Search, &ctrl_sad),
            Some(Action::DeleteWord)
        );
    }

    #[test]
    fn context_first_then_global() {
        let j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::List, &j), Some(Action::SelectNext));
        assert_eq!(action_for(Context::Reader, &j), Some(Action::ScrollDown));
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Reader, &q), Some(Action::Quit));
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Help, &ctrl_c), Some(Action::Quit));
        let shift_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(action_for(Context::Reader, &shift_g), Some(Action::Bottom));
    }

    #[test]
    fn bars_take_text_but_keep_their_keys() {
        let alef = press(KeyCode::Char('ا'), KeyModifiers::NONE);
        assert_eq!(
            action_for(Context::Filter, &alef),
            Some(Action::Insert('ا'))
        );
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Search, &q), Some(Action::Insert('q')));
        let shift_n = press(KeyCode::Char('N'), KeyModifiers::SHIFT);
        assert_eq!(
            action_for(Context::Filter, &shift_n),
            Some(Action::Insert('N'))
        );
        let ctrl_w = press(KeyCode::Char('w'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for(Context::Filter, &ctrl_w),
            Some(Action::DeleteWord)
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Filter, &ctrl_c), Some(Action::Quit));
        let esc = press(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(action_for(Context::Search, &esc), Some(Action::CancelInput));
    }

    #[test]
    fn ctrl_z_suspends_wherever_it_is_typed() {
        let ctrl_z = press(KeyCode::Char('z'), KeyModifiers::CONTROL);
        for context in [
            Context::List,
            Context::Reader,
            Context::Filter,
            Context::Search,
            Context::Library,
            Context::Help,
            Context::Mark,
            Context::Select,
            Context::Yank,
        ] {
            assert_eq!(
                action_for(context, &ctrl_z),
                Some(Action::Suspend),
                "{context:?}"
            );
        }
        // A plain z is still text in a bar.
        let z = press(KeyCode::Char('z'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Filter, &z), Some(Action::Insert('z')));
    }

    #[test]
    fn selecting_the_arrows_are_never_mirrored_and_a_lone_y_waits() {
        let left = press(KeyCode::Left, KeyModifiers::NONE);
        for mirrored in [false, true] {
            assert_eq!(
                super::action_for(Context::Select, &left, mirrored, Keyboard::Arabic),
                Some(Action::CursorLeft)
            );
        }
        let y = press(KeyCode::Char('y'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Reader, &y), Some(Action::Copy));
        assert_eq!(action_for(Context::Yank, &y), Some(Action::CopyParagraph));
        // Anything else after `y` copies nothing (`q` does not quit).
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Yank, &q), Some(Action::CancelInput));
        // غ sits on the y key of an Arabic layout.
        let ghain = press(KeyCode::Char('غ'), KeyModifiers::NONE);
        assert_eq!(
            action_for(Context::Yank, &ghain),
            Some(Action::CopyParagraph)
        );
        // A selection is modal: a bookmark key does nothing there.
        let m = press(KeyCode::Char('m'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Select, &m), None);
    }

    #[test]
    fn releases_are_ignored() {
        let mut j = press(KeyCode::Char('j'), KeyModifiers::NONE);
        j.kind = KeyEventKind::Release;
        assert_eq!(action_for(Context::List, &j), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in KEYMAP.iter().enumerate() {
            for b in &KEYMAP[i + 1..] {
                if a.context == b.context {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.context);
                    }
                }
            }
        }
    }

    #[test]
    fn hints_come_from_the_table() {
        let hints = hints(Context::Reader);
        assert!(hints.contains(&("j".to_string(), "scroll")));
        assert!(hints.contains(&("q".to_string(), "quit")));
    }
}
