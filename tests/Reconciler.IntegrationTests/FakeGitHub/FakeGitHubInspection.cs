namespace Reconciler.IntegrationTests.FakeGitHub;

/// <summary>Seeding, state inspection for assertions, and actions a person would take by hand.</summary>
public sealed partial class FakeGitHubServer
{
    /// <summary>Creates (or moves) <paramref name="branch"/> to a new commit holding exactly <paramref name="files"/>.</summary>
    public string SeedBranch(string branch, IReadOnlyDictionary<string, string> files, string message = "seed")
    {
        lock (State.Gate)
        {
            var parents = State.Branches.TryGetValue(branch, out var head) ? new[] { head } : [];
            var commit = State.AddCommit(State.AddTree(files), parents, message);
            State.Branches[branch] = commit.Sha;
            return commit.Sha;
        }
    }

    /// <summary>Creates a branch at an existing commit (as a run killed after its branch step would leave it).</summary>
    public void CreateBranchAt(string branch, string sha)
    {
        lock (State.Gate)
        {
            State.Branches[branch] = sha;
        }
    }

    public IReadOnlyDictionary<string, string> FilesAt(string gitRef)
    {
        lock (State.Gate)
        {
            var commit = State.Resolve(gitRef) ?? throw new InvalidOperationException($"no ref {gitRef}");
            return new Dictionary<string, string>(State.Trees[commit.Tree], StringComparer.Ordinal);
        }
    }

    public FakeCommit? CommitAt(string gitRef)
    {
        lock (State.Gate)
        {
            return State.Resolve(gitRef);
        }
    }

    public IReadOnlyList<string> BranchNames()
    {
        lock (State.Gate)
        {
            return State.Branches.Keys.Order(StringComparer.Ordinal).ToList();
        }
    }

    public IReadOnlyList<FakeIssue> Issues()
    {
        lock (State.Gate)
        {
            return State.Issues.ToList();
        }
    }

    public IReadOnlyList<FakeIssue> OpenIssues(string titleContains = "") =>
        Issues().Where(i => i.State == "open" && i.Title.Contains(titleContains, StringComparison.Ordinal)).ToList();

    public IReadOnlyList<FakeComment> CommentsOf(int number)
    {
        lock (State.Gate)
        {
            return State.Comments.Where(c => c.Number == number).ToList();
        }
    }

    public IReadOnlyList<FakePull> Pulls()
    {
        lock (State.Gate)
        {
            return State.Pulls.ToList();
        }
    }

    public IReadOnlyList<FakeStatus> StatusesOf(string sha)
    {
        lock (State.Gate)
        {
            return State.Statuses.TryGetValue(sha, out var l) ? l.ToList() : [];
        }
    }

    public bool HasLabel(string name)
    {
        lock (State.Gate)
        {
            return State.Labels.Contains(name);
        }
    }

    public void CloseIssueByHand(int number)
    {
        lock (State.Gate)
        {
            State.Issues.First(i => i.Number == number).State = "closed";
        }
    }

    public void AddLabelByHand(int number, string label)
    {
        lock (State.Gate)
        {
            State.Labels.Add(label);
            State.Issues.First(i => i.Number == number).Labels.Add(label);
        }
    }

    public void DeleteIssue(int number)
    {
        lock (State.Gate)
        {
            State.Issues.RemoveAll(i => i.Number == number);
            State.Comments.RemoveAll(c => c.Number == number);
        }
    }

    public void ClosePullByHand(int number)
    {
        lock (State.Gate)
        {
            State.Pulls.First(p => p.Number == number).State = "closed";
        }
    }

    /// <summary>Merges a PR: its base branch moves to a merge commit with the head's tree.</summary>
    public void MergePull(int number)
    {
        lock (State.Gate)
        {
            var pull = State.Pulls.First(p => p.Number == number);
            var head = State.Commits[State.Branches[pull.Head]];
            var merge = State.AddCommit(head.Tree, [State.Branches[pull.Base], head.Sha], $"Merge pull request #{number}");
            State.Branches[pull.Base] = merge.Sha;
            pull.State = "closed";
            pull.Merged = true;
        }
    }

    /// <summary>Forgets every request, fault and the write counter (state stays).</summary>
    public void ResetCounters()
    {
        ClearFaults();
        lock (_requests)
        {
            _requests.Clear();
        }

        Interlocked.Exchange(ref _writes, 0);
    }

    /// <summary>Empties the repository (issues, PRs, labels, branches, statuses) and the counters.</summary>
    public void Reset()
    {
        lock (State.Gate)
        {
            State.Issues.Clear();
            State.Pulls.Clear();
            State.Comments.Clear();
            State.Labels.Clear();
            State.Commits.Clear();
            State.Trees.Clear();
            State.Branches.Clear();
            State.Statuses.Clear();
        }

        ResetCounters();
    }
}
