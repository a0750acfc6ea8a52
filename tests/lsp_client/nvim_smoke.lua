-- A real Neovim (Debian's 0.7.2) as the client of `crmpol lsp`.
--
-- Run as
--   CRMPOL_BIN=... nvim --headless -u NONE -i NONE -n -c 'luafile nvim_smoke.lua' FILE.crmpol
-- It starts the server with FILE's folder as the workspace, attaches the
-- buffer, waits for diagnostics ($CRMPOL_WAIT_MS, default 10000) and
-- prints one line for each, then asks for a hover on $CRMPOL_HOVER_WORD
-- (the cursor put on it), formats the buffer, shuts the server down and
-- prints its exit status. Neovim's own conversions do the work: diagnostic
-- columns are bytes (converted from the server's UTF-16), the hover's
-- position is converted from the cursor's byte column, and the formatting
-- edits are applied by vim.lsp.util.
--
-- Output, one record a line (test_neovim.py reads it):
--   ENCODING <offset encoding>
--   DIAG <code> <lnum> <col> <end_lnum> <end_col> <source> <first line of message>
--   CURSOR <line> <character>  (where the hover is asked, as sent)
--   HOVER <kind> <first line of the hover>
--   LINE <n> <text>          (the buffer after formatting)
--   EXIT <status>
-- and exits 0, or 1 with a line `FAIL <why>` when something did not come.

local function out(line)
  io.stdout:write(line, "\n")
  io.stdout:flush()
end

local function fail(why)
  out("FAIL " .. why)
  vim.cmd("cquit 1")
end

local ok, err = pcall(function()
  local bin = os.getenv("CRMPOL_BIN")
  if not bin or bin == "" then
    return fail("CRMPOL_BIN is not set")
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local path = vim.api.nvim_buf_get_name(bufnr)
  if path == "" then
    return fail("no file given")
  end
  local root = vim.fn.fnamemodify(path, ":h")

  local exit_status = nil
  local client_id = vim.lsp.start_client({
    name = "crmpol",
    cmd = { bin, "lsp" },
    root_dir = root,
    on_exit = function(code, _signal)
      exit_status = code
    end,
  })
  if not client_id then
    return fail("the client did not start")
  end
  vim.api.nvim_buf_set_option(bufnr, "filetype", "crmpol")
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    return fail("could not attach the buffer")
  end

  local wait_ms = tonumber(os.getenv("CRMPOL_WAIT_MS") or "10000")
  local arrived = vim.wait(wait_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  if not arrived then
    return fail("no diagnostics within " .. wait_ms .. " ms")
  end
  local client = vim.lsp.get_client_by_id(client_id)
  out("ENCODING " .. tostring(client.offset_encoding))

  local diagnostics = vim.diagnostic.get(bufnr)
  table.sort(diagnostics, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.col < b.col)
  end)
  for _, d in ipairs(diagnostics) do
    local first = vim.split(d.message, "\n", { plain = true })[1]
    out(string.format("DIAG %s %d %d %d %d %s %s", tostring(d.code), d.lnum, d.col, d.end_lnum, d.end_col,
      tostring(d.source), first))
  end

  -- Hover on the queue name's last word, the cursor put there as a user
  -- would: Neovim converts its byte column to the server's encoding.
  local word = os.getenv("CRMPOL_HOVER_WORD") or "queue"
  local found = vim.fn.searchpos("\\V" .. vim.fn.escape(word, "\\"), "w")
  if found[1] == 0 then
    return fail("`" .. word .. "` is not in the buffer")
  end
  vim.api.nvim_win_set_cursor(0, { found[1], found[2] - 1 })
  local params = vim.lsp.util.make_position_params()
  out(string.format("CURSOR %d %d", params.position.line, params.position.character))
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/hover", params, 5000)
  local hover = responses and responses[client_id] and responses[client_id].result
  if hover and hover.contents and hover.contents.value then
    out(string.format("HOVER %s %s", hover.contents.kind,
      vim.split(hover.contents.value, "\n", { plain = true })[1]))
  else
    out("HOVER none")
  end

  -- Formatting: Neovim applies the server's edits to the buffer.
  if vim.lsp.buf.format then -- Neovim 0.8 and later
    vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = 5000 })
  else
    vim.lsp.buf.formatting_sync(nil, 5000)
  end
  for n, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    out(string.format("LINE %d %s", n, line))
  end

  vim.lsp.stop_client(client_id)
  local stopped = vim.wait(5000, function()
    return exit_status ~= nil
  end, 50)
  if not stopped then
    return fail("the server did not exit within 5 s of shutdown")
  end
  out("EXIT " .. tostring(exit_status))
  vim.cmd("qall!")
end)

if not ok then
  fail("error: " .. tostring(err))
end
